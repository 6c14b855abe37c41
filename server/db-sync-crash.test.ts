/**
 * Kill-and-restart proof for incremental sync (SPEC §9 `incremental`): a timer → mysql select
 * (incremental on id, limit 200) → loop → postgres upsert flow runs in the real server process;
 * the process is SIGKILLed mid-run and started again on the same data dir. Every source row
 * must end up in the target exactly once with equal values, and the watermark must reach the
 * max id. Then a failing run (target table dropped) must leave the watermark where it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
const SUFFIX = `${process.pid}_${Date.now() % 100000}`;
const SRC = `crash_src_${SUFFIX}`;
const DST = `crash_dst_${SUFFIX}`;
const FIRST = 2000;
const SECOND = 600;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(get: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 500)}`);
    await sleep(25);
  }
}

/** exact text of a row on both sides: id, amount, note, created (UTC wall time) */
type RowText = [string, string, string, string];

/** DECIMAL(20,4) values past 2^53 and emoji, so a float or a bad charset would show */
function sourceRow(id: number): [number, string, string, string] {
  const whole = (BigInt(id) * 7_919_000_000_007n) % 10_000_000_000_000_000n;
  const amount = `${id % 3 === 0 ? '-' : ''}${whole}.${String(id % 10_000).padStart(4, '0')}`;
  const created = new Date(Date.UTC(2024, 0, 1) + id * 61_000).toISOString().slice(0, 19).replace('T', ' ');
  return [id, amount, `row ${id} 🚀 naïve 𝄞 ${'é'.repeat(id % 7)}`, created];
}

test('incremental select → loop → upsert survives SIGKILL mid-run; a failed run keeps the watermark', { timeout: 90_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-crash-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const my = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', charset: 'utf8mb4', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const pgc = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await pgc.connect();
  let proc: ChildProcess | undefined;
  let stderr = '';
  let token = '';

  const start = (): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', String(port), '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, TRIBUTARY_ADMIN_PASSWORD: PASSWORD, TRIBUTARY_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    return child;
  };
  const exited = (child: ChildProcess) =>
    new Promise<NodeJS.Signals | number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
      else child.once('exit', (code, signal) => resolve(signal ?? code));
    });
  const api = async (path: string, body?: unknown, method?: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(base + path, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const up = async (): Promise<void> => {
    token = '';
    await until(
      () => api('/api/health').then((r) => r.status, () => 0),
      (s) => s === 200,
      20_000,
      `server up (stderr: ${stderr})`,
    );
    const login = await api('/api/auth/login', { username: 'admin', password: PASSWORD });
    assert.equal(login.status, 200);
    token = login.body.token as string;
  };
  const targetCount = async (): Promise<number> => Number((await pgc.query(`SELECT count(*) AS n FROM ${DST}`)).rows[0].n);
  const createTarget = () =>
    pgc.query(`CREATE TABLE ${DST} (id BIGINT PRIMARY KEY, amount NUMERIC(20,4) NOT NULL, note VARCHAR(200) NOT NULL, created TIMESTAMP NOT NULL)`);
  const sourceText = async (fromId: number): Promise<RowText[]> => {
    const [rows] = await my.query(`SELECT CAST(id AS CHAR) AS id, CAST(amount AS CHAR) AS amount, note, CAST(created AS CHAR) AS created FROM ${SRC} WHERE id >= ? ORDER BY id`, [fromId]);
    return (rows as Record<string, string>[]).map((r) => [r['id']!, r['amount']!, r['note']!, r['created']!]);
  };
  const targetText = async (): Promise<RowText[]> => {
    const { rows } = await pgc.query(`SELECT id::text AS id, amount::text AS amount, note, to_char(created, 'YYYY-MM-DD HH24:MI:SS') AS created FROM ${DST} ORDER BY id`);
    return (rows as Record<string, string>[]).map((r) => [r['id']!, r['amount']!, r['note']!, r['created']!]);
  };
  const seed = async (from: number, to: number): Promise<void> => {
    for (let i = from; i <= to; i += 500) {
      const rows = Array.from({ length: Math.min(500, to - i + 1) }, (_, k) => sourceRow(i + k));
      await my.query(`INSERT INTO ${SRC} (id, amount, note, created) VALUES ?`, [rows]);
    }
  };
  /** the select node's committed watermark, read from the store file (WAL: readable while the server runs) */
  const watermark = (flowId: string): unknown => {
    const db = new Database(join(dataDir, 'tributary.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT value FROM node_state WHERE flow_id = ? AND node_id = ? AND key = ?').get(flowId, 'sel', 'watermark') as { value: string } | undefined;
      return row ? JSON.parse(row.value) : undefined;
    } finally {
      db.close();
    }
  };

  try {
    await my.query(`DROP TABLE IF EXISTS ${SRC}`);
    await my.query(
      `CREATE TABLE ${SRC} (id BIGINT PRIMARY KEY, amount DECIMAL(20,4) NOT NULL, note VARCHAR(200) NOT NULL, created DATETIME NOT NULL) DEFAULT CHARSET=utf8mb4`,
    );
    await seed(1, FIRST);
    await pgc.query(`DROP TABLE IF EXISTS ${DST}`);
    await createTarget();

    proc = start();
    await up();
    const mysqlConn = await api('/api/connections', { name: 'crash maria', type: 'mysql', params: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } });
    assert.equal(mysqlConn.status, 201, JSON.stringify(mysqlConn.body));
    const pgConn = await api('/api/connections', { name: 'crash pg', type: 'postgres', params: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } });
    assert.equal(pgConn.status, 201, JSON.stringify(pgConn.body));
    const flow = await api('/api/flows', {
      name: 'crash sync',
      nodes: [
        { id: 'tick', type: 'timer', params: { unit: 'second', interval: 1, taskMode: 'serial', runImmediately: true } },
        {
          id: 'sel',
          type: 'mysql',
          params: { connection: mysqlConn.body.id, action: 'select', table: SRC, incremental: { column: 'id', initial: 0 }, limit: 200 },
        },
        { id: 'each', type: 'loop', params: {} },
        {
          id: 'put',
          type: 'postgres',
          params: {
            connection: pgConn.body.id,
            action: 'upsert',
            table: DST,
            keys: ['id'],
            values: { id: '${each|payload.id}', amount: '${each|payload.amount}', note: '${each|payload.note}', created: '${each|payload.created}' },
          },
        },
      ],
      edges: [
        { source: 'tick', target: 'sel' },
        { source: 'sel', target: 'each' },
        { source: 'each', sourcePort: 'each', target: 'put' },
      ],
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    const flowId = flow.body.id as string;
    assert.equal((await api(`/api/flows/${flowId}/start`, {})).body.state, 'running');

    // kill while a run is half way through its 200 rows: some of its rows are written, its watermark is not
    const before = await until(targetCount, (n) => n >= 300 && n % 200 >= 20 && n % 200 <= 180, 30_000, 'a run in progress');
    proc.kill('SIGKILL');
    assert.equal(await exited(proc), 'SIGKILL');
    const atKill = await targetCount();
    assert.ok(atKill < FIRST, `killed with ${atKill} of ${FIRST} rows written`);
    // rows past the committed watermark were already written: they are read and upserted again
    const committedAtKill = watermark(flowId);
    assert.ok(Number(committedAtKill ?? 0) < atKill, `watermark at kill ${String(committedAtKill)}, rows written ${atKill}`);
    t.diagnostic(`killed with ${atKill} rows written (seen ${before}), committed watermark ${String(committedAtKill)}`);

    proc = start();
    await up();
    assert.equal((await api(`/api/flows/${flowId}`)).body.state, 'running');
    await until(targetCount, (n) => n >= FIRST, 30_000, 'every row in the target');
    // later runs read nothing: the watermark reached the last id
    const emptyRun = await until(
      async () => {
        const runs = (await api(`/api/runs?flowId=${flowId}&status=succeeded&limit=3`)).body as { id: string }[];
        for (const r of runs) {
          const run = (await api(`/api/runs/${r.id}`)).body as { steps: { nodeId: string; output?: { payload?: unknown } }[] };
          const sel = run.steps.find((s) => s.nodeId === 'sel');
          if (Array.isArray(sel?.output?.payload) && sel.output.payload.length === 0) return r.id;
        }
        return undefined;
      },
      (id) => id !== undefined,
      10_000,
      'a run that reads no rows',
    );
    assert.ok(emptyRun);
    assert.equal(watermark(flowId), String(FIRST));
    const failedByKill = (await api(`/api/runs?flowId=${flowId}&status=failed`)).body as { error?: string }[];
    assert.ok(failedByKill.length >= 1, 'the run cut by the kill is marked failed');
    assert.deepEqual(await targetText(), await sourceText(1));

    // a failing run leaves the watermark where it was
    await pgc.query(`DROP TABLE ${DST}`);
    await seed(FIRST + 1, FIRST + SECOND);
    const failed = await until(
      async () => ((await api(`/api/runs?flowId=${flowId}&status=failed&limit=5`)).body as { id: string; error?: string }[]).filter((r) => r.error?.includes(DST)),
      (runs) => runs.length >= 2,
      15_000,
      'two runs failing on the dropped table',
    );
    const run = (await api(`/api/runs/${failed[0]!.id}`)).body as { status: string; steps: { nodeId: string; status: string; error?: unknown }[] };
    assert.equal(run.status, 'failed');
    const failedStep = run.steps.find((s) => s.nodeId === 'put' && s.status === 'failed');
    assert.ok(failedStep, JSON.stringify(run.steps.slice(0, 5)));
    assert.match(JSON.stringify(failedStep.error), new RegExp(`${DST}.*does not exist`));
    assert.equal(watermark(flowId), String(FIRST), 'failed runs did not move the watermark');

    await createTarget();
    await until(targetCount, (n) => n >= SECOND, 20_000, 'the rows read again after the table came back');
    assert.deepEqual(await targetText(), await sourceText(FIRST + 1));

    const done = exited(proc);
    proc.kill('SIGTERM');
    assert.equal(await done, 0);
    assert.equal(watermark(flowId), String(FIRST + SECOND));
  } finally {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = exited(proc);
      proc.kill('SIGKILL');
      await gone;
    }
    await my.query(`DROP TABLE IF EXISTS ${SRC}`);
    await pgc.query(`DROP TABLE IF EXISTS ${DST}`);
    await my.end();
    await pgc.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
