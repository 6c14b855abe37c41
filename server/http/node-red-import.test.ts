/** POST /api/flows/import/node-red (issue 7 item 9): a Node-RED export becomes flows that run. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';
import { NODE_RED_EXPORT } from '../../core/node-red/node-red.test-support.ts';

let s: TestServer;
before(async () => { s = await startTestServer(); });
after(async () => { await s.destroy(); });

const IMPORT = '/api/flows/import/node-red';
const flowNames = async (): Promise<string[]> => ((await s.api('/api/flows')).body as { name: string }[]).map((f) => f.name).sort();

test('a body that is not a Node-RED export is refused naming it, nothing created', async () => {
  const res = await s.api(IMPORT, { body: { nodes: [] } });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'INVALID_INPUT');
  assert.match(res.body.error, /JSON array of nodes/);
  assert.deepEqual(await flowNames(), []);
});

test('the broker connections must exist first: 409 naming them, nothing created', async () => {
  const res = await s.api(IMPORT, { body: NODE_RED_EXPORT });
  assert.equal(res.status, 409, JSON.stringify(res.body));
  assert.equal(res.body.code, 'connections_missing');
  assert.deepEqual(res.body.params, { names: 'Plant broker' });
  assert.match(res.body.details[0].message, /create an mqtt connection named "Plant broker" \(broker 127\.0\.0\.1:1883\); used by Sensors\/min1, Sensors\/mout1/);
  assert.deepEqual(await flowNames(), []);
});

test('import creates a flow per tab; the inject → function → debug flow runs with the converted script', async () => {
  const conn = await s.api('/api/connections', { body: { name: 'Plant broker', type: 'mqtt', environment: 'test', params: { url: 'mqtt://127.0.0.1:1883' } } });
  assert.equal(conn.status, 201, JSON.stringify(conn.body));
  const res = await s.api(IMPORT, { body: NODE_RED_EXPORT });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(res.body.created.map((c: { name: string; replaced: boolean }) => [c.name, c.replaced]), [['Orders', false], ['Sensors', false]]);
  assert.deepEqual(res.body.skipped.map((k: { id: string; reason: string }) => k.id).sort(), ['cmt1', 'dly1', 'exec1']);
  assert.equal(res.body.connectionsNeeded[0].connectionId, conn.body.id);
  assert.deepEqual(await flowNames(), ['Orders', 'Sensors']);

  const [orders, sensors] = res.body.created as { id: string }[];
  const sensorsDoc = await s.api(`/api/flows/${sensors?.id}`);
  assert.deepEqual(sensorsDoc.body.nodes.filter((n: { type: string }) => n.type.startsWith('mqtt')).map((n: { params: { connection: string } }) => n.params.connection), [conn.body.id, conn.body.id]);
  const ordersDoc = await s.api(`/api/flows/${orders?.id}`);
  assert.equal(ordersDoc.body.nodes.length, 8);
  assert.equal(ordersDoc.body.edges.length, 8);

  assert.equal((await s.api(`/api/flows/${orders?.id}/start`, { method: 'POST' })).body.state, 'running');
  try {
    for (const seen of [1, 2]) {
      const fired = await s.api(`/api/flows/${orders?.id}/trigger`, { body: { nodeId: 'inj1_1' } });
      assert.equal(fired.status, 200, JSON.stringify(fired.body));
      const run = await waitFor(() => s.api(`/api/runs/${fired.body.runId}`), (r) => r.status === 200 && r.body.status !== 'running', 10_000, 'run end');
      assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
      const step = (id: string) => run.body.steps.find((st: { nodeId: string }) => st.nodeId === id);
      assert.deepEqual(step('fn1_1').output.payload, { total: 15, seen, last: 3 });
      assert.deepEqual(step('fn1_1').logs, ['[warn] total for orders']);
      assert.equal(step('dbg1_1').status, 'succeeded');
      assert.match(step('dbg1_1').logs[0], /"total":15/);
    }
  } finally {
    await s.api(`/api/flows/${orders?.id}/stop`, { method: 'POST' });
  }
});

test('re-importing: 409 listing the names, then rename or replace as asked', async () => {
  const before = (await s.api('/api/flows')).body as { id: string; name: string }[];
  const again = await s.api(IMPORT, { body: NODE_RED_EXPORT });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'flow_names_taken');
  assert.deepEqual(again.body.params, { names: 'Orders, Sensors' });
  assert.deepEqual(await flowNames(), ['Orders', 'Sensors']);

  const renamed = await s.api(`${IMPORT}?onConflict=rename`, { body: NODE_RED_EXPORT });
  assert.equal(renamed.status, 201, JSON.stringify(renamed.body));
  assert.deepEqual(await flowNames(), ['Orders', 'Orders (2)', 'Sensors', 'Sensors (2)']);

  const replaced = await s.api(`${IMPORT}?onConflict=replace`, { body: NODE_RED_EXPORT });
  assert.equal(replaced.status, 201, JSON.stringify(replaced.body));
  const ordersId = before.find((f) => f.name === 'Orders')?.id;
  assert.deepEqual(replaced.body.created[0], { id: ordersId, name: 'Orders', replaced: true });
  assert.equal((await s.api(`/api/flows/${ordersId}`)).body.version, 2);
  assert.equal(((await s.api('/api/flows')).body as unknown[]).length, 4);

  const bad = await s.api(`${IMPORT}?onConflict=merge`, { body: NODE_RED_EXPORT });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.details[0].path, 'onConflict');
});
