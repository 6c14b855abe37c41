// ctx.db: a script node queries the databases its "connections" setting names — on the real
// MariaDB and PostgreSQL — with values always bound, only those connections, the script's time
// limit, and a cap on the rows; the server stays up whatever the script sends.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startTestServer, waitFor, type TestServer } from '../../server/server.test-support.ts';

const SUFFIX = randomBytes(4).toString('hex');
const MY_TABLE = `ctxdb_orders_${SUFFIX}`;
const MY_COPY = `ctxdb_copy_${SUFFIX}`;
const PG_TABLE = `ctxdb_stock_${SUFFIX}`;
const MARIA = `maria orders ${SUFFIX}`;
const POSTGRES = `pg stock ${SUFFIX}`;

interface Step { nodeId: string; output?: unknown; error?: string }
interface RunBody { status: string; error?: string; steps: Step[] }

let s: TestServer;
let my: mysql.Connection;
let pgc: pg.Client;
const conn: Record<string, string> = {};

before(async () => {
  s = await startTestServer();
  my = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
  await my.query(`CREATE TABLE ${MY_TABLE} (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL)`);
  await my.query(`CREATE TABLE ${MY_COPY} (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL)`);
  await my.query(`INSERT INTO ${MY_TABLE} VALUES (1, 'apple'), (2, 'pear'), (3, 'plum'), (4, 'fig')`);
  pgc = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await pgc.connect();
  await pgc.query(`CREATE TABLE ${PG_TABLE} (sku TEXT PRIMARY KEY, qty INT NOT NULL)`);
  await pgc.query(`INSERT INTO ${PG_TABLE} VALUES ('apple', 10), ('pear', 0), ('plum', 7)`);
  for (const [key, body] of Object.entries({
    maria: { name: MARIA, type: 'mysql', params: { host: '127.0.0.1', port: 3306, database: 'test', user: 'root', timeoutMs: 3000 } },
    postgres: { name: POSTGRES, type: 'postgres', params: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', timeoutMs: 3000 } },
  })) {
    const created = await s.api('/api/connections', { body: { environment: 'test', ...body } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    conn[key] = created.body.id;
  }
});

after(async () => {
  await s?.destroy();
  await my?.query(`DROP TABLE IF EXISTS ${MY_TABLE}, ${MY_COPY}`);
  await my?.end();
  await pgc?.query(`DROP TABLE IF EXISTS ${PG_TABLE}`);
  await pgc?.end();
});

async function deploy(code: string, connections: string[], timeoutMs = 5000): Promise<string> {
  const created = await s.api('/api/flows', {
    body: {
      name: `ctx.db ${SUFFIX} ${Math.random()}`,
      nodes: [{ id: 'in', type: 'inject', params: {} }, { id: 'js', type: 'script', params: { code, timeoutMs, connections } }],
      edges: [{ source: 'in', target: 'js' }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await s.api(`/api/flows/${created.body.id}/start`, { method: 'POST' });
  assert.equal(started.body.state, 'running', JSON.stringify(started.body));
  return created.body.id as string;
}

async function runOnce(flowId: string, payload: unknown): Promise<RunBody> {
  const fired = await s.api(`/api/flows/${flowId}/trigger`, { body: { payload } });
  assert.equal(fired.status, 200, JSON.stringify(fired.body));
  const run = await waitFor(() => s.api(`/api/runs/${fired.body.runId}`), (r) => r.status === 200 && r.body.status !== 'running', 30_000, 'the run to end');
  return run.body as RunBody;
}

const outputOf = (run: RunBody): unknown => (run.steps.find((st) => st.nodeId === 'js')?.output as { payload?: unknown } | undefined)?.payload;
const failure = (run: RunBody): string => run.error ?? run.steps.find((st) => st.nodeId === 'js')?.error ?? '';

describe('ctx.db in script nodes', () => {
  test('MariaDB: a query with a bound value returns the rows; an insert copies them, counted in the target', { timeout: 60_000 }, async () => {
    const id = await deploy(
      `const db = ctx.db(${JSON.stringify(MARIA)});
       const rows = await db.query('SELECT id, name FROM ${MY_TABLE} WHERE id >= :min ORDER BY id', { min: msg.payload.min });
       let copied = 0;
       for (const r of rows) copied += (await db.query('INSERT INTO ${MY_COPY} (id, name) VALUES (:id, :name)', r)).affectedRows;
       return { payload: { rows, copied } };`,
      [conn['maria']!],
    );
    const run = await runOnce(id, { min: 2 });
    assert.equal(run.status, 'succeeded', failure(run));
    assert.deepEqual(outputOf(run), { rows: [{ id: 2, name: 'pear' }, { id: 3, name: 'plum' }, { id: 4, name: 'fig' }], copied: 3 });
    const [copy] = await my.query(`SELECT id, name FROM ${MY_COPY} ORDER BY id`);
    assert.deepEqual(copy, [{ id: 2, name: 'pear' }, { id: 3, name: 'plum' }, { id: 4, name: 'fig' }]);
  });

  test('values are bound, never spliced: an injection attempt is stored as text and the table survives', { timeout: 60_000 }, async () => {
    const evil = `x'); DROP TABLE ${MY_TABLE}; --`;
    const id = await deploy(
      `const r = await ctx.db(${JSON.stringify(MARIA)}).query('INSERT INTO ${MY_COPY} (id, name) VALUES (:id, :name)', msg.payload);
       return { payload: r };`,
      [conn['maria']!],
    );
    const run = await runOnce(id, { id: 99, name: evil });
    assert.equal(run.status, 'succeeded', failure(run));
    assert.deepEqual(outputOf(run), { affectedRows: 1 });
    const [rows] = await my.query<mysql.RowDataPacket[]>(`SELECT name FROM ${MY_COPY} WHERE id = 99`);
    assert.equal(rows[0]?.['name'], evil);
    const [still] = await my.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${MY_TABLE}`);
    assert.equal(Number(still[0]?.['n']), 4);
  });

  test('PostgreSQL by connection id, next to MariaDB by name, in one script', { timeout: 60_000 }, async () => {
    const id = await deploy(
      `const names = await ctx.db(${JSON.stringify(MARIA)}).query('SELECT name FROM ${MY_TABLE} WHERE id <= :n ORDER BY id', { n: 3 });
       const stock = await ctx.db(${JSON.stringify(conn['postgres'])}).query('SELECT sku, qty FROM ${PG_TABLE} WHERE sku = ANY(:skus) AND qty > :min ORDER BY sku', { skus: names.map((r) => r.name), min: 0 });
       return { payload: stock };`,
      [conn['maria']!, conn['postgres']!],
    );
    const run = await runOnce(id, {});
    assert.equal(run.status, 'succeeded', failure(run));
    assert.deepEqual(outputOf(run), [{ sku: 'apple', qty: 10 }, { sku: 'plum', qty: 7 }]);
  });

  test('only the connections the node names: another name fails the run, naming what is allowed', { timeout: 60_000 }, async () => {
    const id = await deploy(`return { payload: await ctx.db(${JSON.stringify(POSTGRES)}).query('SELECT 1 AS one') };`, [conn['maria']!]);
    const run = await runOnce(id, {});
    assert.equal(run.status, 'failed');
    assert.match(failure(run), new RegExp(`ctx.db\\("${POSTGRES}"\\): this node may use only "${MARIA}"`));
    const none = await deploy(`return { payload: await ctx.db(${JSON.stringify(MARIA)}).query('SELECT 1 AS one') };`, []);
    const refused = await runOnce(none, {});
    assert.equal(refused.status, 'failed');
    assert.match(failure(refused), /ctx\.db is not available here: name the database connections/);
  });

  test('bad binds and a missing bind are refused with what to do', { timeout: 60_000 }, async () => {
    const id = await deploy(
      `const db = ctx.db(${JSON.stringify(MARIA)});
       try { await db.query('SELECT :a AS a', [1]); } catch (e) { ctx.state.set('array', e.message); }
       try { await db.query('SELECT :a AS a', {}); } catch (e) { ctx.state.set('missing', e.message); }
       return { payload: { array: ctx.state.get('array'), missing: ctx.state.get('missing') } };`,
      [conn['maria']!],
    );
    const run = await runOnce(id, {});
    assert.equal(run.status, 'succeeded', failure(run));
    const out = outputOf(run) as { array: string; missing: string };
    assert.match(out.array, /binds must be an object of :name values/);
    assert.match(out.missing, /:a has no value/);
  });

  test('a statement longer than the time limit fails its run; the server and the flow go on', { timeout: 60_000 }, async () => {
    const id = await deploy(
      `if (msg.payload.slow) await ctx.db(${JSON.stringify(MARIA)}).query('SELECT SLEEP(5) AS s');
       return { payload: (await ctx.db(${JSON.stringify(MARIA)}).query('SELECT COUNT(*) AS n FROM ${MY_TABLE}'))[0] };`,
      [conn['maria']!],
      800,
    );
    const started = Date.now();
    const slow = await runOnce(id, { slow: true });
    assert.equal(slow.status, 'failed');
    assert.match(failure(slow), /did not finish within|timed out/);
    assert.ok(Date.now() - started < 4500, 'the run did not wait for the statement');
    assert.equal((await s.api('/api/health')).status, 200);
    const next = await runOnce(id, { slow: false });
    assert.equal(next.status, 'succeeded', failure(next));
    assert.equal(Number((outputOf(next) as { n: unknown }).n), 4);
  });

  test('more rows than the cap is an error telling the script to LIMIT or page', { timeout: 60_000 }, async () => {
    const id = await deploy(
      `const rows = await ctx.db(${JSON.stringify(POSTGRES)}).query('SELECT g FROM generate_series(1, :n) AS g', { n: msg.payload.n });
       return { payload: rows.length };`,
      [conn['postgres']!],
      10_000,
    );
    const fits = await runOnce(id, { n: 10_000 });
    assert.equal(fits.status, 'succeeded', failure(fits));
    assert.equal(outputOf(fits), 10_000);
    const over = await runOnce(id, { n: 10_001 });
    assert.equal(over.status, 'failed');
    assert.match(failure(over), /more than 10000 rows; add a LIMIT/);
  });

  test('saving names a missing or non-database connection by its place in "connections"', async () => {
    const mqtt = await s.api('/api/connections', { body: { name: `broker ${SUFFIX}`, type: 'mqtt', environment: 'test', params: { url: 'mqtt://127.0.0.1:1883' } } });
    assert.equal(mqtt.status, 201, JSON.stringify(mqtt.body));
    const saved = await s.api('/api/flows', {
      body: {
        name: `ctx.db bad ${SUFFIX}`,
        nodes: [{ id: 'in', type: 'inject', params: {} }, { id: 'js', type: 'script', params: { code: 'return msg;', connections: [conn['maria'], 'nope', mqtt.body.id] } }],
        edges: [{ source: 'in', target: 'js' }],
      },
    });
    assert.equal(saved.status, 400);
    const text = JSON.stringify(saved.body);
    assert.match(text, /connections\[1\]/);
    assert.match(text, /connection \\"nope\\" does not exist/);
    assert.match(text, /connections\[2\]/);
    assert.match(text, /is mqtt; this node needs mysql or postgres or oracle/);
  });
});
