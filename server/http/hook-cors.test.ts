/**
 * CORS per /hooks endpoint through a real server: none by default (preflight refused, no
 * Access-Control-* header); with http-in's `cors`, preflights from allowed origins are answered
 * 204 without a run, answers carry Allow-Origin / Expose-Headers / Vary, and other origins,
 * methods and headers get nothing a browser would accept. Bad settings are refused at save.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../server.test-support.ts';

const APP = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const TOKEN = `cors-${randomBytes(8).toString('hex')}`;
let s: TestServer;

before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

async function hookFlow(cors: Record<string, unknown> | undefined, method = 'GET'): Promise<{ id: string; path: string }> {
  const path = `cors-${randomBytes(4).toString('hex')}`;
  const created = await s.api('/api/flows', {
    body: {
      name: `cors ${path}`,
      nodes: [
        { id: 'in', type: 'http-in', params: { method, path, auth: 'bearer', token: TOKEN, ...(cors ? { cors } : {}) } },
        { id: 'out', type: 'http-response', params: { status: 200, body: { ok: true } } },
      ],
      edges: [{ source: 'in', target: 'out' }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((await s.api(`/api/flows/${created.body.id}/start`, { method: 'POST' })).status, 200);
  return { id: created.body.id as string, path };
}

function preflight(path: string, origin: string, method: string, headers?: string): Promise<Response> {
  return fetch(`${s.url}/hooks/${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, ...(headers ? { 'access-control-request-headers': headers } : {}) },
  });
}

async function runCount(flowId: string): Promise<number> {
  return s.store.db.prepare('SELECT count(*) FROM runs WHERE flow_id = ?').pluck().get(flowId) as number;
}

test('default: no CORS — a preflight is refused 403 and answers carry no Access-Control-* header', async () => {
  const f = await hookFlow(undefined);
  const pre = await preflight(f.path, APP, 'GET', 'authorization');
  assert.equal(pre.status, 403);
  assert.equal(((await pre.json()) as { code: string }).code, 'CORS_REFUSED');
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  const res = await fetch(`${s.url}/hooks/${f.path}`, { headers: { origin: APP, authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  await s.api(`/api/flows/${f.id}/stop`, { method: 'POST' });
});

test('allowed origin: preflight 204 with methods, headers and max age, and no run; the answer carries Allow-Origin and Expose-Headers', async () => {
  const f = await hookFlow({ origins: [APP], maxAgeSeconds: 120 });
  const runsBefore = await runCount(f.id);
  const pre = await preflight(f.path, APP, 'GET', 'Authorization, Content-Type');
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), APP);
  assert.equal(pre.headers.get('access-control-allow-methods'), 'GET, HEAD');
  assert.equal(pre.headers.get('access-control-allow-headers'), 'authorization, content-type');
  assert.equal(pre.headers.get('access-control-max-age'), '120');
  assert.equal(pre.headers.get('access-control-allow-credentials'), null);
  assert.match(pre.headers.get('vary') ?? '', /Origin/);
  assert.equal(await runCount(f.id), runsBefore, 'a preflight starts no run');

  const res = await fetch(`${s.url}/hooks/${f.path}`, { headers: { origin: APP, authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
  assert.equal(res.headers.get('access-control-allow-origin'), APP);
  assert.equal(res.headers.get('access-control-expose-headers'), 'X-Tributary-Run');
  assert.match(res.headers.get('vary') ?? '', /Origin/);
  // the page can read why it was refused
  const denied = await fetch(`${s.url}/hooks/${f.path}`, { headers: { origin: APP } });
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get('access-control-allow-origin'), APP);
  await s.api(`/api/flows/${f.id}/stop`, { method: 'POST' });
});

test('other origin, method or header: preflight 403 with no Allow-Origin; the real request gets no Allow-Origin either', async () => {
  const f = await hookFlow({ origins: [APP], methods: ['POST'], headers: ['content-type', 'authorization'] }, 'POST');
  for (const [origin, method, headers] of [[EVIL, 'POST', 'content-type'], [APP, 'DELETE', ''], [APP, 'POST', 'x-admin']] as const) {
    const pre = await preflight(f.path, origin, method, headers || undefined);
    assert.equal(pre.status, 403, `${origin} ${method} ${headers}`);
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    assert.equal(((await pre.json()) as { code: string }).code, 'CORS_REFUSED');
  }
  const ok = await preflight(f.path, APP, 'POST', 'content-type');
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-methods'), 'POST');
  const res = await fetch(`${s.url}/hooks/${f.path}`, { method: 'POST', headers: { origin: EVIL, authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.headers.get('access-control-allow-origin'), null, 'the browser withholds the answer from other origins');
  assert.match(res.headers.get('vary') ?? '', /Origin/);
  const none = await preflight(`nothing-${randomBytes(3).toString('hex')}`, APP, 'GET');
  assert.equal(none.status, 404);
  await s.api(`/api/flows/${f.id}/stop`, { method: 'POST' });
});

test('any origin (*) answers *; with credentials exact origins are echoed; bad settings are refused at save naming the field', async () => {
  const any = await hookFlow({ origins: ['*'] });
  const res = await fetch(`${s.url}/hooks/${any.path}`, { headers: { origin: EVIL, authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  await s.api(`/api/flows/${any.id}/stop`, { method: 'POST' });

  const cred = await hookFlow({ origins: [APP, 'http://localhost:5173'], credentials: true });
  const pre = await preflight(cred.path, 'http://localhost:5173', 'GET');
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
  await s.api(`/api/flows/${cred.id}/stop`, { method: 'POST' });

  for (const [cors, path] of [
    [{ origins: ['https://app.example.com/path'] }, 'nodes[0].params.cors.origins[0]'],
    [{ origins: [APP, 'app.example.com'] }, 'nodes[0].params.cors.origins[1]'],
    [{ origins: ['*'], credentials: true }, 'nodes[0].params.cors.credentials'],
    [{ origins: [] }, 'nodes[0].params.cors.origins'],
  ] as const) {
    const bad = await s.api('/api/flows', {
      body: { name: 'bad cors', nodes: [{ id: 'in', type: 'http-in', params: { method: 'GET', path: 'bad-cors', cors } }], edges: [] },
    });
    assert.equal(bad.status, 400, JSON.stringify(cors));
    assert.ok((bad.body.details as { path: string }[]).some((d) => d.path === path), `${path} in ${JSON.stringify(bad.body.details)}`);
  }
});
