import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, TEST_ADMIN_PASSWORD, waitFor, type TestServer } from '../server.test-support.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

const chainFlow = {
  name: 'inject → script → loop → set → log',
  nodes: [
    { id: '100001', type: 'inject', params: { payload: { rows: [{ aa: 1, bb: 'x' }, { aa: 2, bb: 'y' }] } }, position: { x: 0, y: 0 } },
    { id: '100002', type: 'script', params: { code: 'return { payload: msg.payload.rows.map(r => ({ ...r, cc: r.aa * 10 })) };' } },
    { id: '500885', type: 'loop', params: {} },
    { id: '100004', type: 'set', params: { fields: { 'payload.total': '${500885|payload.cc}', 'payload.note': 'row ${500885|payload.bb}' } } },
    { id: '100005', type: 'log', params: { message: 'total=${100004|payload.total}' } },
  ],
  edges: [
    { source: '100001', target: '100002' },
    { source: '100002', target: '500885' },
    { source: '500885', sourcePort: 'each', target: '100004' },
    { source: '100004', target: '100005' },
  ],
};

test('health needs no auth; the API needs a user', async () => {
  const health = await s.api('/api/health', { token: null });
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'ok');
  assert.match(health.body.version, /^\d+\.\d+\.\d+/);
  assert.equal((await s.api('/api/flows', { token: null })).status, 401);
  assert.equal((await s.api('/api/flows', { token: 'nope' })).status, 401);
  const bad = await s.api('/api/auth/login', { body: { username: 'admin', password: 'wrong-password' }, token: null });
  assert.equal(bad.status, 401);
});

test('password guessing: five wrong passwords in a row get 429 with Retry-After, even with the right one; other users still log in', async () => {
  const created = await s.api('/api/users', { body: { username: 'gina', password: 'sunny-days-123', role: 'viewer' } });
  assert.equal(created.status, 201);
  for (let i = 0; i < 5; i++) {
    assert.equal((await s.api('/api/auth/login', { body: { username: 'gina', password: `guess-${i}` }, token: null })).status, 401);
  }
  const blocked = await s.api('/api/auth/login', { body: { username: 'gina', password: 'sunny-days-123' }, token: null });
  assert.equal(blocked.status, 429);
  assert.match(blocked.body.error, /too many failed logins from this address; try again in \d+ s/);
  const res = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'gina', password: 'x' }) });
  assert.equal(res.status, 429);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${retryAfter}`);
  assert.equal((await s.api('/api/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD }, token: null })).status, 200, 'another user from the same address');
});

test('roles: a viewer reads but may not write; only admins manage users', async () => {
  const created = await s.api('/api/users', { body: { username: 'vera', password: 'viewer-pass-1', role: 'viewer' } });
  assert.equal(created.status, 201);
  assert.equal(created.body.passwordHash, undefined);
  const login = await s.api('/api/auth/login', { body: { username: 'vera', password: 'viewer-pass-1' }, token: null });
  assert.equal(login.status, 200);
  const viewer = login.body.token as string;
  assert.equal((await s.api('/api/flows', { token: viewer })).status, 200);
  assert.equal((await s.api('/api/flows', { token: viewer, body: chainFlow })).status, 403);
  assert.equal((await s.api('/api/users', { token: viewer })).status, 403);
  const ed = await s.api('/api/users', { body: { username: 'eddie', password: 'editor-pass-1', role: 'editor' } });
  const editor = (await s.api('/api/auth/login', { body: { username: 'eddie', password: 'editor-pass-1' }, token: null })).body.token as string;
  assert.equal(ed.status, 201);
  assert.equal((await s.api('/api/users', { token: editor })).status, 403);
  const short = await s.api('/api/users', { body: { username: 'x', password: 'short', role: 'viewer' } });
  assert.equal(short.status, 400);
  assert.equal(short.body.details[0].path, 'password');
});

test('save, start, trigger: the run shows loop iterations and resolved ${nodeId|path} values', async () => {
  const created = await s.api('/api/flows', { body: chainFlow });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  assert.equal(created.body.version, 1);
  assert.equal(created.body.state, 'stopped');
  assert.equal((await s.api(`/api/flows/${id}/start`, { method: 'POST' })).body.state, 'running');
  const fired = await s.api(`/api/flows/${id}/trigger`, { body: {} });
  assert.equal(fired.status, 200);
  const runId = fired.body.runId as string;
  const run = await waitFor(() => s.api(`/api/runs/${runId}`), (r) => r.status === 200 && r.body.status !== 'running', 10_000, 'run end');
  assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
  assert.equal(run.body.flowId, id);
  assert.equal(run.body.flowVersion, 1);
  const sets = run.body.steps.filter((st: { nodeId: string }) => st.nodeId === '100004');
  assert.deepEqual(sets.map((st: { iteration: number }) => st.iteration), [0, 1]);
  assert.deepEqual(sets.map((st: { params: { fields: Record<string, unknown> } }) => st.params.fields['payload.total']), [10, 20]);
  assert.deepEqual(sets.map((st: { output: { payload: { note: string } } }) => st.output.payload.note), ['row x', 'row y']);
  const logs = run.body.steps.filter((st: { nodeId: string }) => st.nodeId === '100005').map((st: { logs: string[] }) => st.logs[0]);
  assert.deepEqual(logs, ['[info] total=10', '[info] total=20']);
  const list = await s.api(`/api/runs?flowId=${id}&status=succeeded&limit=5`);
  assert.equal(list.body[0].id, runId);
  const payload = await s.api(`/api/flows/${id}/trigger`, { body: { payload: { rows: [{ aa: 7, bb: 'z' }] } } });
  const run2 = await waitFor(() => s.api(`/api/runs/${payload.body.runId}`), (r) => r.status === 200 && r.body.status !== 'running');
  assert.deepEqual(run2.body.steps.filter((st: { nodeId: string }) => st.nodeId === '100004').map((st: { params: { fields: Record<string, unknown> } }) => st.params.fields['payload.total']), [70]);
  assert.equal((await s.api(`/api/flows/${id}/stop`, { method: 'POST' })).body.state, 'stopped');
  assert.equal((await s.api(`/api/flows/${id}/trigger`, { body: {} })).status, 409);
});

test('an expression naming a node that is not upstream is refused with its path, and nothing is saved', async () => {
  const before = (await s.api('/api/flows')).body.length;
  const bad = structuredClone(chainFlow);
  (bad.nodes[3] as { params: unknown }).params = { fields: { 'payload.x': '${100005|payload.total}' } };
  const res = await s.api('/api/flows', { body: bad });
  assert.equal(res.status, 400);
  assert.ok(res.body.details.some((d: { path: string; message: string }) => d.path === 'nodes[3].params.fields' && /not upstream/.test(d.message)), JSON.stringify(res.body));
  assert.equal((await s.api('/api/flows')).body.length, before);
});

test('invalid flows: unknown type, bad params, missing port, cycle, malformed expression, script that does not compile', async () => {
  const cases: [unknown, string][] = [
    [{ name: 'a', nodes: [{ id: 'n1', type: 'nope', params: {} }], edges: [] }, 'nodes[0].type'],
    [{ name: 'a', nodes: [{ id: 'n1', type: 'timer', params: { interval: 0 } }], edges: [] }, 'nodes[0].params.interval'],
    [{ name: 'a', nodes: [{ id: 'n1', type: 'inject', params: {} }, { id: 'n2', type: 'log', params: {} }], edges: [{ source: 'n1', sourcePort: 'zzz', target: 'n2' }] }, 'edges[0].sourcePort'],
    [{ name: 'a', nodes: [{ id: 'n1', type: 'set', params: { fields: {} } }, { id: 'n2', type: 'set', params: { fields: {} } }], edges: [{ source: 'n1', target: 'n2' }, { source: 'n2', target: 'n1' }] }, 'edges'],
    [{ name: 'a', nodes: [{ id: 'n1', type: 'log', params: { message: 'x ${payload.' } }], edges: [] }, 'nodes[0].params.message'],
    [{ name: 'a', nodes: [{ id: 'n1', type: 'script', params: { code: 'return {{' } }], edges: [] }, 'nodes[0].params.code'],
    [{ name: '', nodes: [], edges: [] }, 'name'],
  ];
  for (const [doc, path] of cases) {
    const res = await s.api('/api/flows', { body: doc });
    assert.equal(res.status, 400, JSON.stringify(doc));
    assert.ok(res.body.details.some((d: { path: string }) => d.path === path), `${path} in ${JSON.stringify(res.body.details)}`);
  }
});

test('PUT keeps versions; export/import round trip; delete', async () => {
  const created = (await s.api('/api/flows', { body: chainFlow })).body;
  const changed = { ...chainFlow, name: 'renamed', description: 'v2' };
  const put = await s.api(`/api/flows/${created.id}`, { method: 'PUT', body: changed });
  assert.equal(put.body.version, 2);
  const versions = (await s.api(`/api/flows/${created.id}/versions`)).body;
  assert.deepEqual(versions.map((v: { version: number }) => v.version).sort(), [1, 2]);
  const v1 = (await s.api(`/api/flows/${created.id}/versions/1`)).body;
  assert.equal(v1.doc.name, chainFlow.name);
  const exported = (await s.api(`/api/flows/${created.id}/export`)).body;
  assert.equal(exported.flow.name, 'renamed');
  const imported = await s.api('/api/flows/import', { body: exported });
  assert.equal(imported.status, 201);
  assert.notEqual(imported.body.id, created.id);
  assert.deepEqual(imported.body.nodes, put.body.nodes);
  assert.deepEqual(imported.body.edges, put.body.edges);
  assert.equal((await s.api(`/api/flows/${created.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await s.api(`/api/flows/${created.id}`)).status, 404);
});

test('bad JSON, oversized bodies, unknown ids and routes get clear 4xx without stacks', async () => {
  const badJson = await s.api('/api/flows', { raw: '{"name": ' });
  assert.equal(badJson.status, 400);
  assert.match(badJson.body.error, /not valid JSON/);
  const big = await s.api('/api/flows', { raw: JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024) }) });
  assert.equal(big.status, 413);
  for (const path of ['/api/flows/f_missing', '/api/runs/r_missing', '/api/connections/c_missing', '/api/nothing-here']) {
    const res = await s.api(path);
    assert.equal(res.status, 404, path);
    assert.equal(typeof res.body.error, 'string');
    assert.doesNotMatch(JSON.stringify(res.body), /at .*\.ts:\d+/);
  }
  const trig = await s.api('/api/flows/f_missing/trigger', { body: {} });
  assert.equal(trig.status, 404);
});

test('node types come from the specs', async () => {
  const types = (await s.api('/api/node-types')).body as { type: string; inputs: string[]; outputs: string[]; paramsSchema: object }[];
  const byType = new Map(types.map((t) => [t.type, t]));
  for (const t of ['timer', 'inject', 'loop', 'script', 'switch', 'set', 'log']) assert.ok(byType.has(t), t);
  assert.deepEqual(byType.get('loop')!.outputs, ['each', 'done']);
  assert.deepEqual(byType.get('timer')!.inputs, []);
  assert.equal((byType.get('timer')!.paramsSchema as { type: string }).type, 'object');
});
