// Every write route, fed bodies of the wrong shape or no JSON at all, answers a 4xx with an
// {"error"} body — never a 5xx or a stack trace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../test-server.ts';

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
