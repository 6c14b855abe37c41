/**
 * The real server as a child process on a data dir of its own, for kill -9 tests: start it,
 * log in, call the API, SIGKILL it, start it again on the same data dir, and read a node's
 * committed state straight from the store file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';

const root = new URL('..', import.meta.url).pathname;
const PASSWORD = 'crash-pass-1';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until<T>(get: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 500)}`);
    await sleep(25);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ApiAnswer { status: number; body: any }

export class ServerProcess {
  private proc: ChildProcess | undefined;
  private stderr = '';
  private token = '';

  private constructor(readonly dataDir: string, readonly port: number) {}

  static async create(): Promise<ServerProcess> {
    return new ServerProcess(mkdtempSync(join(tmpdir(), 'tributary-crash-')), await freePort());
  }

  /** starts the server (again, on the same data dir) and logs in */
  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', String(this.port), '--data-dir', this.dataDir], {
      cwd: root,
      env: { ...process.env, TRIBUTARY_ADMIN_PASSWORD: PASSWORD, TRIBUTARY_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.proc = child;
    this.token = '';
    await until(() => this.api('/api/health').then((r) => r.status, () => 0), (s) => s === 200, 30_000, `server up (stderr: ${this.stderr})`);
    const login = await this.api('/api/auth/login', { username: 'admin', password: PASSWORD });
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    this.token = login.body.token as string;
  }

  async api(path: string, body?: unknown, method?: string): Promise<ApiAnswer> {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** stops the process with `signal`; resolves to how it ended */
  async kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | number | null> {
    const child = this.proc;
    if (!child) return null;
    const ended = new Promise<NodeJS.Signals | number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
      else child.once('exit', (code, sig) => resolve(sig ?? code));
    });
    child.kill(signal);
    const how = await ended;
    this.proc = undefined;
    return how;
  }

  /** a node's committed state, read from the store file (WAL: readable while the server runs) */
  nodeState(flowId: string, nodeId: string, key: string): unknown {
    const db = new Database(join(this.dataDir, 'tributary.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT value FROM node_state WHERE flow_id = ? AND node_id = ? AND key = ?').get(flowId, nodeId, key) as { value: string } | undefined;
      return row ? JSON.parse(row.value) : undefined;
    } finally {
      db.close();
    }
  }

  /** SIGKILL if still running, and the data dir removed */
  async dispose(): Promise<void> {
    await this.kill('SIGKILL');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * A MariaDB source table `src` (id INT key, v text) of ids 1..rows and a PostgreSQL target
 * `dst` (id, v) without a key, so a row written twice shows as a second row.
 */
export async function syncTables(src: string, dst: string, rows: number) {
  const my = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
  const pgc = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await pgc.connect();
  await my.query(`CREATE TABLE ${src} (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)`);
  for (let i = 1; i <= rows; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, rows - i + 1) }, (_, k) => [i + k, `row ${i + k}`]);
    await my.query(`INSERT INTO ${src} (id, v) VALUES ?`, [batch]);
  }
  await pgc.query(`CREATE TABLE ${dst} (id INT NOT NULL, v VARCHAR(40) NOT NULL)`);
  return {
    my,
    pgc,
    /** target rows, and distinct ids among them */
    async counts(): Promise<{ rows: number; ids: number }> {
      const r = (await pgc.query(`SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM ${dst}`)).rows[0] as { rows: string; ids: string };
      return { rows: Number(r.rows), ids: Number(r.ids) };
    },
    async drop(): Promise<void> {
      await my.query(`DROP TABLE IF EXISTS ${src}`);
      await pgc.query(`DROP TABLE IF EXISTS ${dst}`);
      await my.end();
      await pgc.end();
    },
  };
}

/** the local MariaDB and PostgreSQL as connections of the running server: their ids */
export async function syncConnections(server: ServerProcess, label: string): Promise<{ source: string; target: string }> {
  const src = await server.api('/api/connections', { name: `${label} maria`, type: 'mysql', params: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } });
  const dst = await server.api('/api/connections', { name: `${label} pg`, type: 'postgres', params: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } });
  if (src.status !== 201 || dst.status !== 201) throw new Error(`connections not created: ${JSON.stringify([src.body, dst.body])}`);
  return { source: src.body.id as string, target: dst.body.id as string };
}
