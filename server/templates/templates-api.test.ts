/**
 * /api/templates through a real server, and the db-to-db-sync template LIVE: MariaDB →
 * PostgreSQL with an incremental column (only new rows are read) and upsert (no duplicates).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';

const SRC = `tpl_sync_src_${process.pid}`;
const DST = `tpl_sync_dst_${process.pid}`;
const MQTT_DST = `tpl_mqtt_dst_${process.pid}`;

let s: TestServer;
let api: TestServer['api'];
let my: mysql.Pool;
let pgPool: pg.Pool;
let viewerToken = '';
const conn: Record<string, string> = {};

async function pgCount(): Promise<number> {
  return Number((await pgPool.query(`SELECT count(*) AS n FROM ${DST}`)).rows[0].n);
}

async function runOnce(flowId: string): Promise<{ status: string; steps: { nodeId: string; output?: { payload?: unknown } }[] }> {
  const fired = await s.api(`/api/flows/${flowId}/trigger`, { body: {} });
  assert.equal(fired.status, 200, JSON.stringify(fired.body));
  const run = await waitFor(() => s.api(`/api/runs/${fired.body.runId}`), (r) => r.status === 200 && r.body.status !== 'running', 15_000, 'run end');
  assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
  return run.body;
}

/** rows the select node emitted in a run */
function rowsRead(run: { steps: { nodeId: string; output?: { payload?: unknown } }[] }, nodeId: string): unknown[] {
  const step = run.steps.find((st) => st.nodeId === nodeId);
  assert.ok(step, `no step of ${nodeId}`);
  return step.output?.payload as unknown[];
}

before(async () => {
  s = await startTestServer();
  api = s.api;
  my = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', connectionLimit: 2 });
  pgPool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
  await my.query(`DROP TABLE IF EXISTS ${SRC}`);
  await my.query(`CREATE TABLE ${SRC} (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, rev INT NOT NULL UNIQUE)`);
  await pgPool.query(`DROP TABLE IF EXISTS ${DST}`);
  await pgPool.query(`CREATE TABLE ${DST} (order_id INT PRIMARY KEY, title TEXT NOT NULL, rev INT NOT NULL)`);
  const make = async (name: string, type: string, params: Record<string, unknown>): Promise<string> => {
    const r = await s.api('/api/connections', { body: { name, type, environment: 'test', params, secrets: {} } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };
  conn['mysql'] = await make('MySQL_test', 'mysql', { host: '127.0.0.1', port: 3306, database: 'test', user: 'root' });
  conn['postgres'] = await make('PG_test', 'postgres', { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' });
  conn['oracle'] = await make('Oracle_test', 'oracle', { host: '127.0.0.1', port: 1521, serviceName: 'XEPDB1', user: 'scott' });
  await s.api('/api/users', { body: { username: 'tina', password: 'viewer-pass-1', role: 'viewer' } });
  viewerToken = (await s.api('/api/auth/login', { body: { username: 'tina', password: 'viewer-pass-1' }, token: null })).body.token as string;
});

after(async () => {
  await my.query(`DROP TABLE IF EXISTS ${SRC}`).catch(() => undefined);
  await pgPool.query(`DROP TABLE IF EXISTS ${DST}`).catch(() => undefined);
  await pgPool.query(`DROP TABLE IF EXISTS ${MQTT_DST}`).catch(() => undefined);
  await my.end();
  await pgPool.end();
  await s.destroy();
});

test('GET /api/templates lists the catalogue with each params form; GET one adds the flow', async () => {
  const list = await api('/api/templates');
  assert.equal(list.status, 200);
  const ids = list.body.map((t: { id: string }) => t.id);
  for (const id of ['mysql-to-oracle-sync', 'db-to-db-sync', 'mqtt-to-db', 'kafka-to-db', 'db-to-kafka', 'db-as-http-api']) assert.ok(ids.includes(id), id);
  const roma = list.body.find((t: { id: string }) => t.id === 'mysql-to-oracle-sync');
  assert.deepEqual(Object.keys(roma).sort(), ['category', 'description', 'id', 'name', 'params', 'tags']);
  assert.deepEqual(roma.params.steps.map((st: { id: string }) => st.id), ['connections', 'tables', 'schedule']);
  assert.deepEqual(roma.params.schema.properties.source['x-connectionTypes'], ['mysql']);
  assert.ok(roma.tags.includes('定时同步'));
  const one = await api('/api/templates/db-to-db-sync');
  assert.equal(one.status, 200);
  assert.equal(one.body.id, 'db-to-db-sync');
  assert.equal(one.body.flow.nodes[1].type, '{{source:type}}');
  assert.equal((await api('/api/templates/nope')).status, 404);
  assert.equal((await api('/api/templates', { token: viewerToken })).status, 200);
  assert.equal((await api('/api/templates', { token: null })).status, 401);
});

test('instantiate: unknown template 404, bad params 400 with details, viewers 403', async () => {
  assert.equal((await api('/api/templates/nope/instantiate', { body: { name: 'x', params: {} } })).status, 404);
  const bad = await api('/api/templates/mysql-to-oracle-sync/instantiate', {
    body: { name: 'x', params: { source: conn['postgres'], target: 'c_missing', sourceTable: 'src', fields: ['aa'], targetTable: 'T', mapping: { A: 'zz' }, interval: 0 } },
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /params/);
  assert.deepEqual(bad.body.details.map((d: { path: string }) => d.path).sort(), ['params.interval', 'params.mapping.A', 'params.source', 'params.target']);
  const forbidden = await api('/api/templates/mysql-to-oracle-sync/instantiate', { body: { name: 'x', params: {} }, token: viewerToken });
  assert.equal(forbidden.status, 403);
  assert.equal((await api('/api/templates/db-to-db-sync/instantiate', { body: { name: 7, params: {} } })).status, 400);
});

test('instantiate mysql-to-oracle-sync: 201 with the saved, stopped flow in ROMA Connect’s shape', async () => {
  const res = await api('/api/templates/mysql-to-oracle-sync/instantiate', {
    body: {
      name: '定时同步MySQL中的数据到Oracle',
      params: { source: conn['mysql'], target: conn['oracle'], sourceTable: 'src', fields: ['aa', 'bb'], targetTable: 'TEST', mapping: { TEST_INTEGER: 'aa', TEST_VARCHAR: 'bb' } },
    },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.state, 'stopped');
  assert.equal(res.body.version, 1);
  assert.equal(res.body.name, '定时同步MySQL中的数据到Oracle');
  assert.deepEqual(res.body.nodes.map((n: { id: string; type: string }) => `${n.id}:${n.type}`), ['415940:timer', '415941:mysql', '500885:loop', '415943:oracle']);
  assert.deepEqual(res.body.nodes[3].params.values, { TEST_INTEGER: '${500885|payload.aa}', TEST_VARCHAR: '${500885|payload.bb}' });
  assert.deepEqual(res.body.nodes[0].params, { unit: 'minute', interval: 1, atSeconds: [0], timezone: 'GMT', taskMode: 'parallel', runImmediately: false });
  const got = await s.api(`/api/flows/${res.body.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual({ ...got.body, updatedAt: undefined }, { ...res.body, updatedAt: undefined });
});

test('LIVE db-to-db-sync MariaDB → PostgreSQL: incremental watermark reads only new rows, upsert never duplicates', async () => {
  await my.query(`INSERT INTO ${SRC} (id, name, rev) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)`);
  const params = {
    source: conn['mysql'],
    target: conn['postgres'],
    sourceTable: SRC,
    fields: ['id', 'name', 'rev'],
    incrementalColumn: 'rev',
    targetTable: DST,
    mapping: { order_id: 'id', title: 'name', rev: 'rev' },
    keys: ['order_id'],
    unit: 'day',
  };
  const created = await api('/api/templates/db-to-db-sync/instantiate', { body: { name: 'MariaDB to PostgreSQL', params } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.nodes.map((n: { type: string }) => n.type), ['timer', 'mysql', 'postgres']);
  const id = created.body.id as string;
  assert.equal((await s.api(`/api/flows/${id}/start`, { method: 'POST' })).body.state, 'running');
  try {
    const first = await runOnce(id);
    assert.equal(rowsRead(first, '610202').length, 3);
    assert.equal(await pgCount(), 3);

    // two new rows and one changed row (its rev moves above the watermark)
    await my.query(`INSERT INTO ${SRC} (id, name, rev) VALUES (4, 'd', 4), (5, 'e', 5)`);
    await my.query(`UPDATE ${SRC} SET name = 'b2', rev = 6 WHERE id = 2`);
    const second = await runOnce(id);
    assert.deepEqual(rowsRead(second, '610202').map((r) => (r as { id: number }).id), [4, 5, 2]);
    assert.equal(await pgCount(), 5);
    const rows = (await pgPool.query(`SELECT order_id, title, rev FROM ${DST} ORDER BY order_id`)).rows;
    assert.deepEqual(rows, [
      { order_id: 1, title: 'a', rev: 1 },
      { order_id: 2, title: 'b2', rev: 6 },
      { order_id: 3, title: 'c', rev: 3 },
      { order_id: 4, title: 'd', rev: 4 },
      { order_id: 5, title: 'e', rev: 5 },
    ]);

    // nothing new: nothing read, nothing written
    const third = await runOnce(id);
    assert.deepEqual(rowsRead(third, '610202'), []);
    assert.equal(await pgCount(), 5);
  } finally {
    await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
  }

  // the same sync without a watermark reads every row on every run: upsert keeps one row per key
  const { incrementalColumn: _ignored, ...full } = params;
  const fullFlow = await api('/api/templates/db-to-db-sync/instantiate', { body: { name: 'full resync', params: full } });
  assert.equal(fullFlow.status, 201, JSON.stringify(fullFlow.body));
  const fullId = fullFlow.body.id as string;
  assert.equal((await s.api(`/api/flows/${fullId}/start`, { method: 'POST' })).body.state, 'running');
  try {
    for (let i = 0; i < 2; i++) {
      const run = await runOnce(fullId);
      assert.equal(rowsRead(run, '610202').length, 5);
      assert.equal(await pgCount(), 5);
    }
  } finally {
    await s.api(`/api/flows/${fullId}/stop`, { method: 'POST' });
  }
});

test('LIVE db-as-http-api: GET /hooks/<path>?name=… answers {"default": rows} from MariaDB', async () => {
  await my.query(`INSERT IGNORE INTO ${SRC} (id, name, rev) VALUES (10, 'zed', 10), (11, 'zed', 11), (12, 'other', 12)`);
  const path = `tpl-api-${process.pid}`;
  const created = await api('/api/templates/db-as-http-api/instantiate', {
    body: {
      name: 'rows by name',
      params: { source: conn['mysql'], sourceTable: SRC, fields: ['id', 'name'], where: 'name = :name', queryParams: ['name'], orderBy: ['id'], path },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  const started = await s.api(`/api/flows/${id}/start`, { method: 'POST' });
  assert.equal(started.body.state, 'running', JSON.stringify(started.body));
  try {
    const res = await fetch(`${s.url}/hooks/${path}?name=zed`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { default: [{ id: 10, name: 'zed' }, { id: 11, name: 'zed' }], page: 1, pageSize: 100, total: 2, next: null });
    // a value that looks like SQL is only ever a bound value
    const injected = await fetch(`${s.url}/hooks/${path}?name=${encodeURIComponent("zed' OR '1'='1")}`);
    assert.deepEqual(await injected.json(), { default: [], page: 1, pageSize: 100, total: 0, next: null });
  } finally {
    await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
  }
});

test('LIVE db-as-http-api with a bearer token: the token is stored sealed, shown as "***", and still guards the hook', async () => {
  await my.query(`INSERT IGNORE INTO ${SRC} (id, name, rev) VALUES (20, 'guard', 20)`);
  const path = `tpl-api-auth-${process.pid}`;
  const secret = `tpl-secret-${process.pid}-${Date.now().toString(36)}`;
  const created = await api('/api/templates/db-as-http-api/instantiate', {
    body: { name: 'guarded rows', params: { source: conn['mysql'], sourceTable: SRC, fields: ['id'], orderBy: ['id'], limit: 1, path, auth: 'bearer', secret } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.nodes[0].params.token, '***');
  const id = created.body.id as string;
  assert.ok(!JSON.stringify((await api(`/api/flows/${id}`, { token: viewerToken })).body).includes(secret));
  assert.ok(!JSON.stringify(s.store.db.prepare('SELECT doc FROM flow_versions WHERE flow_id = ?').pluck().all(id)).includes(secret));
  assert.equal(s.store.db.prepare('SELECT count(*) FROM flow_secrets WHERE flow_id = ?').pluck().get(id), 1);
  const started = await s.api(`/api/flows/${id}/start`, { method: 'POST' });
  assert.equal(started.body.state, 'running', JSON.stringify(started.body));
  try {
    assert.equal((await fetch(`${s.url}/hooks/${path}`)).status, 401);
    const ok = await fetch(`${s.url}/hooks/${path}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { default: unknown[] }).default.length, 1);
  } finally {
    await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
  }
});

test('LIVE mqtt-to-db: device messages mapped and upserted into PostgreSQL', async (t) => {
  const types = await s.api('/api/node-types');
  if (!types.body.some((nt: { type: string }) => nt.type === 'mqtt-in')) return t.skip('the server does not register mqtt-in yet');
  await pgPool.query(`CREATE TABLE ${MQTT_DST} (device_id TEXT PRIMARY KEY, status INT NOT NULL)`);
  const broker = await s.api('/api/connections', { body: { name: 'MQTT_test', type: 'mqtt', environment: 'test', params: { url: 'mqtt://127.0.0.1:1883' }, secrets: {} } });
  assert.equal(broker.status, 201, JSON.stringify(broker.body));
  const created = await api('/api/templates/mqtt-to-db/instantiate', {
    body: {
      name: 'parking devices',
      params: {
        mqtt: broker.body.id,
        target: conn['postgres'],
        topic: `tpl${process.pid}/+/out`,
        targetTable: MQTT_DST,
        mapping: { device_id: 'deviceId', status: 'data.status' },
        writeMode: 'upsert',
        keys: ['device_id'],
      },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(created.body.nodes.map((n: { type: string }) => n.type), ['mqtt-in', 'set', 'postgres']);
  const id = created.body.id as string;
  const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  const started = await s.api(`/api/flows/${id}/start`, { method: 'POST' });
  assert.equal(started.body.state, 'running', JSON.stringify(started.body));
  try {
    const statusOf = async (status: number): Promise<{ device_id: string; status: number }[]> => {
      // published until the subscription is up; each message is one more upsert of the same key
      await client.publishAsync(`tpl${process.pid}/d1/out`, JSON.stringify({ deviceId: 'd1', data: { status } }), { qos: 1 });
      return (await pgPool.query(`SELECT device_id, status FROM ${MQTT_DST}`)).rows;
    };
    await waitFor(() => statusOf(1), (rows) => rows.length === 1 && rows[0]!.status === 1, 15_000, 'the first device message');
    const rows = await waitFor(() => statusOf(0), (r) => r[0]?.status === 0, 15_000, 'the status change');
    assert.deepEqual(rows, [{ device_id: 'd1', status: 0 }]);
  } finally {
    await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
    await client.endAsync();
  }
});
