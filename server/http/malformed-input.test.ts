// Every write route, fed bodies of the wrong shape or no JSON at all, answers a 4xx with an
// {"error"} body — never a 5xx or a stack trace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../server.test-support.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

const BODIES: unknown[] = [
  null, 1, 'x', [], {}, { nodes: 'x' }, { name: 5, nodes: [{}], edges: [{}] },
  { name: 'a', nodes: [{ id: 'a', type: 'nope', params: {} }], edges: [] },
  { name: 'a', nodes: [{ id: '__proto__', type: 'inject' }], edges: [] },
  { username: { $ne: 1 }, password: ['x'], role: 'root', type: 'kafka', params: { brokers: 7 } },
];

const ROUTES: [string, string][] = [
  ['POST', '/api/flows'], ['PUT', '/api/flows/nope'], ['POST', '/api/flows/import'], ['POST', '/api/flows/nope/trigger'],
  ['POST', '/api/flows/nope/start'], ['POST', '/api/connections'], ['POST', '/api/connections/test'], ['PUT', '/api/connections/nope'],
  ['POST', '/api/users'], ['PUT', '/api/users/nope'], ['POST', '/api/templates/nope/instantiate'],
  ['POST', '/api/templates/mysql-to-oracle-sync/instantiate'], ['POST', '/api/auth/login'],
];

function clientError(what: string, r: { status: number; body: unknown }): void {
  assert.ok(r.status >= 400 && r.status < 500, `${what} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  assert.equal(typeof (r.body as { error?: unknown }).error, 'string', `${what}: an {"error"} body`);
  assert.doesNotMatch(JSON.stringify(r.body), /\n\s+at /, `${what}: no stack trace`);
}

test('write routes answer wrong shapes and broken JSON with a 4xx {"error"}', async () => {
  for (const [method, path] of ROUTES) {
    for (const body of BODIES) {
      const r = await s.api(path, { method, raw: JSON.stringify(body) });
      const what = `${method} ${path} ${JSON.stringify(body)}`;
      // testing an unsaved profile answers as SPEC §7 says: {"ok":false,"error"} naming what is wrong
      if (path === '/api/connections/test' && r.status === 200) {
        assert.equal(r.body.ok, false, what);
        assert.match(r.body.error, /^(invalid connection: (the body|name|type)|connection "x" not found)/, what);
      } else clientError(what, r);
    }
    clientError(`${method} ${path} with broken JSON`, await s.api(path, { method, raw: '{"broken' }));
  }
});

test('node ids that would name Object members are refused by name', async () => {
  for (const id of ['__proto__', 'constructor', 'prototype']) {
    const r = await s.api('/api/flows', { raw: JSON.stringify({ name: 'reserved', nodes: [{ id: 'ok', type: 'inject' }, { id, type: 'log' }], edges: [{ source: 'ok', target: id }] }) });
    assert.equal(r.status, 400, id);
    assert.deepEqual(r.body.details.map((d: { path: string }) => d.path), ['nodes[1].id']);
    assert.match(r.body.details[0].message, /is reserved/);
  }
});

test('read routes answer bad ids and bad query values with a 4xx {"error"}', async () => {
  for (const path of ['/api/runs/nope', '/api/runs?limit=abc', '/api/runs?limit=-5', '/api/runs?status=nope', '/api/flows/nope/versions/abc',
    '/api/flows/nope/export', '/api/connections/nope/tables', '/api/connections/nope/tables/t/columns', '/api/templates/nope']) {
    clientError(`GET ${path}`, await s.api(path));
  }
});

test('trigger bodies of any shape either start a run or are refused with a 4xx', async () => {
  const f = await s.api('/api/flows', { body: { name: 'f', nodes: [{ id: 'i', type: 'inject', params: {} }], edges: [] } });
  assert.equal(f.status, 201);
  assert.equal((await s.api(`/api/flows/${f.body.id}/start`, { method: 'POST' })).status, 200);
  for (const body of BODIES) {
    const r = await s.api(`/api/flows/${f.body.id}/trigger`, { raw: JSON.stringify(body) });
    if (r.status >= 400) clientError(`trigger ${JSON.stringify(body)}`, r);
    else assert.match(String(r.body.runId), /^r_/);
  }
});

const VALID_DOC = { name: 'ok', nodes: [{ id: 'i', type: 'inject', params: {} }], edges: [] };
const deepObject = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const deepArray = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const flowCount = async (): Promise<number> => (await s.api('/api/flows')).body.length;

test('import refuses every malformed body with a 400 naming the field, and stores nothing', async () => {
  const file = (fields: Record<string, unknown>): string => JSON.stringify({ format: 'tributary-flow', formatVersion: 1, flow: VALID_DOC, ...fields });
  const withMysql = { name: 'db', nodes: [{ id: 'i', type: 'inject', params: {} }, { id: 'q', type: 'mysql', params: { connection: 'c_gone', sql: 'select 1' } }], edges: [{ source: 'i', target: 'q' }] };
  const cases: [string, string, RegExp?][] = [
    ['5', '(body)'], ['null', '(body)'], ['"x"', '(body)'], ['[]', '(body)'],
    ['{"nodes":5}', 'nodes', /must be array/],
    ['{"name":"x","nodes":[5],"edges":[]}', 'nodes[0]', /must be object/],
    ['{"name":"x","nodes":[null],"edges":[]}', 'nodes[0]', /must be object/],
    ['{"name":"x","nodes":["inject"],"edges":[]}', 'nodes[0]', /must be object/],
    ['{"name":"x","nodes":[{"id":"a","type":7}],"edges":[]}', 'nodes[0].type', /must be string/],
    ['{"name":"x","nodes":[{"id":"a"}],"edges":[]}', 'nodes[0].type', /is required/],
    ['{"name":"x","nodes":[{"id":"a","type":"mysql","params":5}],"edges":[]}', 'nodes[0].params', /must be object/],
    ['{"name":"x","nodes":[],"edges":{}}', 'edges', /must be array/],
    ['{"name":7,"nodes":[],"edges":[]}', 'name', /must be string/],
    ['{"format":"tributary-flow"}', 'flow', /is required/],
    ['{"format":"tributary-flow","flow":5}', 'flow', /must be object/],
    ['{"format":"tributary-flow","flow":{"nodes":5}}', 'flow.nodes', /must be array/],
    [file({ format: 'other' }), 'format', /must be one of "tributary-flow"/],
    [file({ formatVersion: 2 }), 'formatVersion', /must be one of 1/],
    [file({ flow: withMysql, connections: 5 }), 'connections', /must be array/],
    [file({ flow: withMysql, connections: [null] }), 'connections[0]', /must be object/],
    [file({ flow: withMysql, connections: [{ id: 'c_gone', name: 7, type: 'mysql' }] }), 'connections[0].name', /must be string/],
    [file({ flow: { ...VALID_DOC, nodes: [{ id: 'i', type: 'nope' }] } }), 'flow.nodes[0].type', /unknown node type "nope"/],
    ['{"name":"x","nodes":[{"id":"a","type":"inject","params":{"payload":1e400}}],"edges":[]}', 'nodes[0].params.payload', /too large/],
    ['{"format":"tributary-flow","flow":{"name":"x","nodes":[{"id":"a","type":"inject","params":{"payload":[-1e400]}}],"edges":[]}}', 'flow.nodes[0].params.payload[0]', /too large/],
    [deepObject(10_000), `a${'.a'.repeat(63)}`, /nest deeper than 64 levels/],
    [deepArray(200_000), '[0]'.repeat(64), /nest deeper than 64 levels/],
    [`{"format":"tributary-flow","flow":{"name":"x","nodes":[{"id":"a","type":"inject","params":{"payload":${deepObject(10_000)}}}],"edges":[]}}`,
      `flow.nodes[0].params.payload${'.a'.repeat(59)}`, /nest deeper than 64 levels/],
  ];
  const before = await flowCount();
  for (const [raw, path, message] of cases) {
    const r = await s.api('/api/flows/import', { raw });
    const what = `import ${raw.slice(0, 120)}`;
    clientError(what, r);
    assert.equal(r.status, 400, what);
    const details = r.body.details as { path: string; message: string }[];
    assert.ok(details.some((d) => d.path === path && (!message || message.test(d.message))), `${what}: wanted ${path} ${message ?? ''}, got ${JSON.stringify(details)}`);
    assert.ok(r.body.error.includes(path), `${what}: the error names ${path}: ${r.body.error}`);
  }
  assert.equal(await flowCount(), before, 'nothing stored');
  // well-formed bodies still import
  for (const raw of [file({ connections: [{ id: 'c_1', name: 'one', type: 'mysql' }] }), JSON.stringify(VALID_DOC)]) {
    const ok = await s.api('/api/flows/import', { raw });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  }
});

test('deep and out-of-range JSON is refused by path on every write route and on /hooks, and the server keeps answering', async () => {
  const f = await s.api('/api/flows', {
    body: {
      name: 'echo',
      nodes: [{ id: 'in', type: 'http-in', params: { method: 'POST', path: `deep-${process.pid}` } }, { id: 'out', type: 'http-response', params: {} }],
      edges: [{ source: 'in', target: 'out' }],
    },
  });
  assert.equal(f.status, 201);
  assert.equal((await s.api(`/api/flows/${f.body.id}/start`, { method: 'POST' })).status, 200);
  const deepDoc = `{"name":"d","nodes":[{"id":"i","type":"inject","params":{"payload":${deepObject(10_000)}}}],"edges":[]}`;
  const cases: [string, string, string][] = [
    ['POST', '/api/flows', deepDoc],
    ['PUT', `/api/flows/${f.body.id}`, deepDoc],
    ['PUT', `/api/flows/${f.body.id}`, '{"name":"d","nodes":[{"id":"i","type":"inject","params":{"payload":1e999}}],"edges":[]}'],
    ['POST', `/api/flows/${f.body.id}/trigger`, `{"payload":${deepArray(50_000)}}`],
    ['POST', `/api/flows/${f.body.id}/trigger`, '{"payload":{"n":1e400}}'],
    ['POST', '/api/connections', `{"name":"x","type":"kafka","params":${deepObject(10_000)}}`],
  ];
  const before = await flowCount();
  const version = (await s.api(`/api/flows/${f.body.id}`)).body.version;
  for (const [method, path, raw] of cases) {
    const r = await s.api(path, { method, raw });
    clientError(`${method} ${path}`, r);
    assert.equal(r.status, 400);
    assert.match(r.body.error, /^the request body is refused: (nodes\[0\]\.params\.payload|payload|params)[.\[a-z0-9\]]*: /);
  }
  assert.equal(await flowCount(), before);
  assert.equal((await s.api(`/api/flows/${f.body.id}`)).body.version, version, 'the flow is unchanged');
  for (const raw of [deepObject(10_000), deepArray(100_000), '{"x":1e400}']) {
    const res = await fetch(`${s.url}/hooks/deep-${process.pid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
    assert.equal(res.status, 400, raw.slice(0, 40));
    assert.match(((await res.json()) as { error: string }).error, /^the request body is refused: (a|\[0\]|x)[.\[a-z0-9\]]*: /);
  }
  const echo = await fetch(`${s.url}/hooks/deep-${process.pid}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepObject(60) });
  assert.equal(echo.status, 200, '60 levels pass');
  assert.equal((await s.api('/api/health')).status, 200);
});

test('set paths through __proto__, constructor or prototype are refused at save, naming the field', async () => {
  const setFlow = (fields: Record<string, unknown>) => ({
    name: 'set', nodes: [{ id: 'i', type: 'inject', params: {} }, { id: 's', type: 'set', params: { fields } }], edges: [{ source: 'i', target: 's' }],
  });
  const saved = await s.api('/api/flows', { body: setFlow({ 'payload.ok': 1 }) });
  assert.equal(saved.status, 201);
  const before = await flowCount();
  const cases: [string, string, string][] = [
    ['__proto__.x', 'fields["__proto__.x"]', '__proto__'],
    ['payload.__proto__.polluted', 'fields["payload.__proto__.polluted"]', '__proto__'],
    ['payload["__proto__"]', 'fields["payload[\\"__proto__\\"]"]', '__proto__'],
    ['constructor', 'fields.constructor', 'constructor'],
    ['payload.constructor.prototype', 'fields["payload.constructor.prototype"]', 'constructor'],
    ['a.prototype', 'fields["a.prototype"]', 'prototype'],
  ];
  for (const [key, field, segment] of cases) {
    const doc = setFlow({ 'payload.ok': 1, [key]: 'x' });
    for (const [method, path] of [['POST', '/api/flows'], ['PUT', `/api/flows/${saved.body.id}`], ['POST', '/api/flows/import']] as const) {
      const r = await s.api(path, { method, body: doc });
      assert.equal(r.status, 400, `${method} ${path} ${key}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body.details, [{
        path: `nodes[1].params.${field}`,
        message: `the key '${segment}' is not allowed in a path (it names an object's prototype or constructor, not a field)`,
      }], key);
    }
  }
  assert.equal(await flowCount(), before);
  assert.equal((await s.api(`/api/flows/${saved.body.id}`)).body.version, 1);
});
