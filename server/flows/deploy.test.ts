/**
 * Saving a running flow puts it into effect (SPEC §7, PUT on a running flow), against the real
 * Mosquitto and PostgreSQL: a steady stream of MQTT messages goes into a table while a new
 * version is saved; every message arrives exactly once, those after the switch through v2's
 * mapping, and the node v2 deleted runs no more. A version that cannot start leaves the running
 * one running, and the flow's state says why.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';
import { BROKER_URL, discardSession, plainClient, uniqueTopic } from '../../connectors/mqtt/mqtt.test-support.ts';
import { closedPort } from '../../connectors/http/http.test-support.ts';

const PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };
const TOTAL = 400;

describe('saving a running flow (mqtt-in → postgres)', () => {
  let server: TestServer;
  let db: pg.Pool;
  const suffix = randomBytes(4).toString('hex');
  const target = `deploy_rows_${suffix}`;
  const audit = `deploy_audit_${suffix}`;
  const topic = uniqueTopic('deploy');
  let flowId = '';
  let mqttId = '';
  let pgId = '';

  const nodes = (tag: string, withAudit: boolean) => [
    { id: 'in', type: 'mqtt-in', params: { connection: mqttId, topic, qos: 1 }, position: { x: 0, y: 0 } },
    { id: 'write', type: 'postgres', params: { connection: pgId, action: 'insert', table: target, values: { n: '${payload.n}', tag } }, position: { x: 250, y: 0 } },
    ...(withAudit ? [{ id: 'audit', type: 'postgres', params: { connection: pgId, action: 'insert', table: audit, values: { n: '${in|payload.n}' } }, position: { x: 500, y: 0 } }] : []),
  ];
  const doc = (tag: string, withAudit: boolean) => ({
    name: `deploy ${suffix}`,
    nodes: nodes(tag, withAudit),
    edges: [{ source: 'in', target: 'write' }, ...(withAudit ? [{ source: 'write', target: 'audit' }] : [])],
  });

  before(async () => {
    db = new pg.Pool(PG);
    await db.query(`CREATE TABLE ${target} (n integer NOT NULL, tag text NOT NULL)`);
    await db.query(`CREATE TABLE ${audit} (n integer NOT NULL)`);
    server = await startTestServer();
    const mqtt = await server.api('/api/connections', { body: { name: `broker ${suffix}`, type: 'mqtt', params: { url: BROKER_URL } } });
    assert.equal(mqtt.status, 201, JSON.stringify(mqtt.body));
    mqttId = mqtt.body.id;
    const pgc = await server.api('/api/connections', { body: { name: `pg ${suffix}`, type: 'postgres', params: { ...PG, timeoutMs: 5000 } } });
    assert.equal(pgc.status, 201, JSON.stringify(pgc.body));
    pgId = pgc.body.id;
    const created = await server.api('/api/flows', { body: doc('v1', true) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    flowId = created.body.id;
    const started = await server.api(`/api/flows/${flowId}/start`, { method: 'POST' });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.runningVersion, 1);
  });

  after(async () => {
    await server?.destroy();
    await db?.query(`DROP TABLE IF EXISTS ${target}`);
    await db?.query(`DROP TABLE IF EXISTS ${audit}`);
    await db?.end();
  });

  it('switches to v2 in the middle of a stream: every message once, v2 after the switch, the deleted node no more', async () => {
    const publisher = await plainClient();
    let sent = 0;
    let switchedAt = 0;
    const publishing = (async () => {
      while (sent < TOTAL) {
        sent++;
        await publisher.publishAsync(topic, JSON.stringify({ n: sent }), { qos: 1 });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(async () => sent, (n) => n >= TOTAL / 4, 20_000, 'a quarter of the stream');
    const put = await server.api(`/api/flows/${flowId}`, { method: 'PUT', body: doc('v2', false) });
    switchedAt = sent;
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.version, 2);
    assert.equal(put.body.runningVersion, 2, 'the answer says v2 runs');
    assert.equal(put.body.replacement, undefined);
    await publishing;
    await publisher.endAsync();

    const rows = await waitFor(async () => (await db.query<{ n: number; tag: string }>(`SELECT n, tag FROM ${target} ORDER BY n`)).rows, (r) => r.length >= TOTAL, 30_000, `${TOTAL} rows`);
    await new Promise((r) => setTimeout(r, 300)); // nothing more comes (no duplicates late)
    const all = (await db.query<{ n: number; tag: string }>(`SELECT n, tag FROM ${target} ORDER BY n`)).rows;
    assert.equal(all.length, TOTAL, `exactly ${TOTAL} rows, got ${all.length}`);
    assert.deepEqual(all.map((r) => r.n), Array.from({ length: TOTAL }, (_, i) => i + 1), 'every message exactly once');
    const v1 = rows.filter((r) => r.tag === 'v1').map((r) => r.n);
    const v2 = rows.filter((r) => r.tag === 'v2').map((r) => r.n);
    assert.ok(v1.length > 0 && v2.length > 0, `both versions wrote (v1 ${v1.length}, v2 ${v2.length})`);
    assert.ok(Math.max(...v1) <= switchedAt, `v1 wrote nothing published after the switch (last v1 ${Math.max(...v1)}, switch at ${switchedAt})`);
    assert.ok(v2.filter((n) => n < Math.max(...v1)).length === 0, 'the switch is one boundary: v2 only after v1');
    // the deleted node ran for exactly the v1 runs
    const audited = (await db.query<{ n: number }>(`SELECT n FROM ${audit} ORDER BY n`)).rows.map((r) => r.n);
    assert.deepEqual(audited, v1, 'the audit node (deleted in v2) ran for the v1 runs only');
    // the runs say which version they ran
    const runs = await server.api(`/api/runs?flowId=${flowId}&limit=1000`);
    assert.equal(runs.status, 200);
    const byVersion = new Map<number, number>();
    for (const r of runs.body as { flowVersion: number; status: string }[]) {
      assert.equal(r.status, 'succeeded');
      byVersion.set(r.flowVersion, (byVersion.get(r.flowVersion) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(byVersion), { 1: v1.length, 2: v2.length });
    console.log(`# ${TOTAL} messages: ${v1.length} on v1, ${v2.length} on v2, switch after message ${switchedAt}`);
  });

  it('a version whose connection cannot open leaves v2 running and says why', async () => {
    const port = await closedPort();
    const down = await server.api('/api/connections', { body: { name: `broker down ${suffix}`, type: 'mqtt', params: { url: `mqtt://127.0.0.1:${port}`, timeoutMs: 800 } } });
    assert.equal(down.status, 201, JSON.stringify(down.body));
    const v3 = doc('v3', false);
    v3.nodes[0]!.params.connection = down.body.id;
    const put = await server.api(`/api/flows/${flowId}`, { method: 'PUT', body: v3 });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.version, 3, 'the version is saved');
    assert.equal(put.body.state, 'running');
    assert.equal(put.body.runningVersion, 2, 'v2 keeps running');
    assert.equal(put.body.replacement?.version, 3);
    assert.match(put.body.replacement?.error ?? '', new RegExp(`node in \\(mqtt-in\\) could not start: .*127\\.0\\.0\\.1:${port}`), put.body.replacement?.error);
    const got = await server.api(`/api/flows/${flowId}`);
    assert.equal(got.body.runningVersion, 2);
    assert.equal(got.body.replacement?.version, 3);

    // and v2 still takes messages
    const publisher = await plainClient();
    await publisher.publishAsync(topic, JSON.stringify({ n: TOTAL + 1 }), { qos: 1 });
    await publisher.endAsync();
    const row = await waitFor(async () => (await db.query<{ tag: string }>(`SELECT tag FROM ${target} WHERE n = $1`, [TOTAL + 1])).rows, (r) => r.length > 0, 10_000, 'the row after the failed save');
    assert.deepEqual(row, [{ tag: 'v2' }]);

    // saving a good version again puts it into effect and clears the failure
    const v4 = await server.api(`/api/flows/${flowId}`, { method: 'PUT', body: doc('v4', false) });
    assert.equal(v4.body.runningVersion, 4);
    assert.equal(v4.body.replacement, undefined);
  });
});

describe('saving a running flow whose mqtt-in (persistent session) changes', () => {
  let server: TestServer;
  let db: pg.Pool;
  const suffix = randomBytes(4).toString('hex');
  const target = `deploy_session_${suffix}`;
  const topic = uniqueTopic('deploy-session');
  let flowId = '';
  const ids: string[] = [];

  const doc = (tag: string, connection: string) => ({
    name: `deploy session ${suffix}`,
    nodes: [
      { id: 'in', type: 'mqtt-in', params: { connection, topic, qos: 1, persistentSession: true }, position: { x: 0, y: 0 } },
      { id: 'write', type: 'postgres', params: { connection: ids[2], action: 'insert', table: target, values: { n: '${payload.n}', tag } }, position: { x: 250, y: 0 } },
    ],
    edges: [{ source: 'in', target: 'write' }],
  });

  before(async () => {
    db = new pg.Pool(PG);
    await db.query(`CREATE TABLE ${target} (n integer NOT NULL, tag text NOT NULL)`);
    server = await startTestServer();
    for (const body of [
      { name: `broker a ${suffix}`, type: 'mqtt', params: { url: BROKER_URL } },
      { name: `broker b ${suffix}`, type: 'mqtt', params: { url: BROKER_URL } },
      { name: `pg ${suffix}`, type: 'postgres', params: { ...PG, timeoutMs: 5000 } },
    ]) {
      const res = await server.api('/api/connections', { body });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    const created = await server.api('/api/flows', { body: doc('v1', ids[0]!) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    flowId = created.body.id;
    assert.equal((await server.api(`/api/flows/${flowId}/start`, { method: 'POST' })).status, 200);
  });

  after(async () => {
    await server?.api(`/api/flows/${flowId}`, { method: 'DELETE' });
    await server?.destroy();
    if (flowId) await discardSession(`tributary-${flowId}-in`); // the broker keeps sessions on disk
    await db?.query(`DROP TABLE IF EXISTS ${target}`);
    await db?.end();
  });

  it('the session moves to the new node: what the broker kept meanwhile arrives, each message once', async () => {
    const total = 200;
    const publisher = await plainClient();
    let sent = 0;
    const publishing = (async () => {
      while (sent < total) {
        sent++;
        await publisher.publishAsync(topic, JSON.stringify({ n: sent }), { qos: 1 });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(async () => sent, (n) => n >= total / 4, 20_000, 'a quarter of the stream');
    const put = await server.api(`/api/flows/${flowId}`, { method: 'PUT', body: doc('v2', ids[1]!) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.runningVersion, 2, JSON.stringify(put.body.replacement));
    await publishing;
    await publisher.endAsync();
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS c FROM ${target}`)).rows[0].c as number, (c) => c >= total, 20_000, `${total} rows`);
    await new Promise((r) => setTimeout(r, 300));
    const rows = (await db.query<{ n: number; tag: string }>(`SELECT n, tag FROM ${target} ORDER BY n`)).rows;
    assert.deepEqual(rows.map((r) => r.n), Array.from({ length: total }, (_, i) => i + 1), 'every message exactly once');
    const v1 = rows.filter((r) => r.tag === 'v1').length;
    assert.ok(v1 > 0 && v1 < total, `both versions wrote (v1 ${v1}, v2 ${total - v1})`);
    console.log(`# persistent session: ${total} messages, ${v1} on v1, ${total - v1} on v2`);
  });
});
