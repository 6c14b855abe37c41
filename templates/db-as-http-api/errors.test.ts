/**
 * Database errors inside a data API flow, through a real server on the real PostgreSQL and
 * MariaDB: the /hooks caller gets a status and a stable code by the kind of failure (409 unique
 * violation, 400 a value the column refuses, 503 database down, 500 otherwise) and never the
 * database's text, the table or the connection's name; the run's trace keeps the detail.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startTestServer, waitFor, type TestServer } from '../../server/server.test-support.ts';
import { closedPort } from '../../connectors/http/http.test-support.ts';

const SUFFIX = `${process.pid}_${randomBytes(3).toString('hex')}`;
const TABLE = `dataapi_err_${SUFFIX}`;
const CONN = { mysql: `Maria_billing_${SUFFIX}`, postgres: `PG_billing_${SUFFIX}` } as const;

let s: TestServer;
let my: mysql.Pool;
let pgPool: pg.Pool;
const conn: Record<string, string> = {};

async function connection(name: string, type: string, params: Record<string, unknown>): Promise<string> {
  const r = await s.api('/api/connections', { body: { name, type, environment: 'test', params, secrets: {} } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

before(async () => {
  s = await startTestServer();
  my = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', connectionLimit: 2 });
  pgPool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
  const ddl = `CREATE TABLE ${TABLE} (id INT PRIMARY KEY, email VARCHAR(40) NOT NULL UNIQUE, qty INT NOT NULL)`;
  await my.query(ddl);
  await pgPool.query(ddl);
  conn['mysql'] = await connection(CONN.mysql, 'mysql', { host: '127.0.0.1', port: 3306, database: 'test', user: 'root' });
  conn['postgres'] = await connection(CONN.postgres, 'postgres', { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' });
  const down = await closedPort();
  conn['mysql-down'] = await connection(`Maria_down_${SUFFIX}`, 'mysql', { host: '127.0.0.1', port: down, database: 'test', user: 'root', timeoutMs: 2000 });
  conn['postgres-down'] = await connection(`PG_down_${SUFFIX}`, 'postgres', { host: '127.0.0.1', port: down, database: 'test', user: 'postgres', timeoutMs: 2000 });
});

after(async () => {
  await my.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await pgPool.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await my.end();
  await pgPool.end();
  await s.destroy();
});

/** POST /hooks/<path> {id, email, qty} → insert into `table` → 201 {inserted} */
async function insertApi(type: 'mysql' | 'postgres', connectionId: string, table: string): Promise<{ id: string; path: string }> {
  const path = `err-${type}-${randomBytes(4).toString('hex')}`;
  const created = await s.api('/api/flows', {
    body: {
      name: `insert api ${path}`,
      nodes: [
        { id: 'in', type: 'http-in', params: { method: 'POST', path } },
        { id: 'db', type, params: { connection: connectionId, action: 'insert', table, values: { id: '${in|payload.id}', email: '${in|payload.email}', qty: '${in|payload.qty}' } } },
        { id: 'out', type: 'http-response', params: { status: 201, body: { inserted: '${payload.affectedRows}' } } },
      ],
      edges: [{ source: 'in', target: 'db' }, { source: 'db', target: 'out' }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await s.api(`/api/flows/${created.body.id}/start`, { method: 'POST' });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return { id: created.body.id as string, path };
}

async function post(path: string, body: unknown): Promise<{ status: number; body: { error?: string; code?: string; runId?: string; inserted?: number }; text: string }> {
  const res = await fetch(`${s.url}/hooks/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

/** nothing of the database's own answer, the table, or a connection reaches the caller */
function assertNoLeak(text: string, type: string): void {
  for (const word of [TABLE, CONN.mysql, CONN.postgres, 'Maria_down', 'PG_down', 'connection', 'duplicate', 'Duplicate', 'violates', 'constraint', 'ECONNREFUSED', 'ER_', 'SQLSTATE', 'null value', 'invalid input', 'Incorrect', 'does not exist', "doesn't exist", type]) {
    assert.ok(!text.includes(word), `the answer leaks "${word}": ${text}`);
  }
}

async function runError(runId: string): Promise<string> {
  const run = await waitFor(() => s.api(`/api/runs/${runId}`), (r) => r.status === 200 && r.body.status !== 'running', 10_000, 'run end');
  assert.equal(run.body.status, 'failed');
  return run.body.error as string;
}

for (const type of ['postgres', 'mysql'] as const) {
  test(`${type}: unique violation 409 CONFLICT, refused value 400 INVALID_INPUT, other failure 500 FLOW_FAILED — no database text, table or connection name`, async () => {
    const api = await insertApi(type, conn[type]!, TABLE);
    try {
      const ok = await post(api.path, { id: 1, email: 'a@example.com', qty: 2 });
      assert.equal(ok.status, 201, ok.text);
      assert.deepEqual(ok.body, { inserted: 1 });

      const dup = await post(api.path, { id: 2, email: 'a@example.com', qty: 3 });
      assert.equal(dup.status, 409, dup.text);
      assert.equal(dup.body.code, 'CONFLICT');
      assertNoLeak(dup.text, type);
      assert.match(await runError(dup.body.runId!), /unique|Duplicate/i, 'the trace keeps the database text');

      const missing = await post(api.path, { id: 3, email: null, qty: 1 });
      assert.equal(missing.status, 400, missing.text);
      assert.equal(missing.body.code, 'INVALID_INPUT');
      assertNoLeak(missing.text, type);

      const notNumber = await post(api.path, { id: 4, email: 'b@example.com', qty: 'many' });
      assert.equal(notNumber.status, 400, notNumber.text);
      assert.equal(notNumber.body.code, 'INVALID_INPUT');
      assertNoLeak(notNumber.text, type);

      const rows = type === 'mysql'
        ? ((await my.query(`SELECT id, email, qty FROM ${TABLE} ORDER BY id`))[0] as unknown[])
        : (await pgPool.query(`SELECT id, email, qty FROM ${TABLE} ORDER BY id`)).rows;
      assert.deepEqual(rows, [{ id: 1, email: 'a@example.com', qty: 2 }], 'only the good row was written');
    } finally {
      await s.api(`/api/flows/${api.id}/stop`, { method: 'POST' });
    }

    const gone = await insertApi(type, conn[type]!, `${TABLE}_missing`);
    try {
      const other = await post(gone.path, { id: 1, email: 'c@example.com', qty: 1 });
      assert.equal(other.status, 500, other.text);
      assert.equal(other.body.code, 'FLOW_FAILED');
      assertNoLeak(other.text, type);
    } finally {
      await s.api(`/api/flows/${gone.id}/stop`, { method: 'POST' });
    }
  });

  test(`${type}: database down answers 503 UNAVAILABLE with Retry-After, no connection name or address`, async () => {
    const api = await insertApi(type, conn[`${type}-down`]!, TABLE);
    try {
      const res = await fetch(`${s.url}/hooks/${api.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":9,"email":"d@example.com","qty":1}' });
      const text = await res.text();
      assert.equal(res.status, 503, text);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.equal(JSON.parse(text).code, 'UNAVAILABLE');
      assertNoLeak(text, type);
      assert.ok(!text.includes('127.0.0.1'), text);
    } finally {
      await s.api(`/api/flows/${api.id}/stop`, { method: 'POST' });
    }
  });
}
