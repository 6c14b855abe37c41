/**
 * Finding 6 (issue 11): a page on another port of the same host (same site, so SameSite cookies
 * are sent) started a flow with a form POST and triggered a run with a no-cors fetch, riding
 * the admin's session cookie. State-changing requests authenticated by the cookie now need the
 * server's own Origin (or an allowed one); Bearer requests are not CSRF-able and pass.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../server.test-support.ts';
import { GOOD_PASSWORD, login, startFlow, type Login } from './security.test-support.ts';

let s: TestServer;
let admin: Login;
let foreign: string;
let own: string;
before(async () => {
  s = await startTestServer();
  admin = await login(s, 'admin', TEST_ADMIN_PASSWORD);
  own = new URL(s.url).origin;
  foreign = `http://127.0.0.1:${s.port === 65535 ? 1 : s.port + 1}`; // same site, another origin
});
after(async () => {
  await s.destroy();
});

const injectFlow = { name: 'csrf target', nodes: [{ id: 'tick', type: 'inject', params: { payload: 1 } }], edges: [] };

async function raw(path: string, init: { method?: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; body: any }> {
  const res = await fetch(s.url + path, { method: init.method ?? 'POST', headers: init.headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function stoppedFlow(): Promise<string> {
  return (await s.api('/api/flows', { body: injectFlow })).body.id as string;
}

const runsOf = async (flowId: string): Promise<unknown[]> => (await s.api(`/api/runs?flowId=${flowId}`)).body as unknown[];

test('the session cookie is HttpOnly and SameSite=Strict', async () => {
  const res = await fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }) });
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly/i);
  assert.match(cookie, /SameSite=Strict/i);
});

test('a form POST from another origin with the admin cookie is refused (403 CSRF_ORIGIN) and starts nothing', async () => {
  const id = await stoppedFlow();
  const res = await raw(`/api/flows/${id}/start`, {
    headers: { cookie: admin.cookie, origin: foreign, 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1',
  });
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 'CSRF_ORIGIN');
  assert.match(res.body.error, new RegExp(foreign.replace(/[.:/]/g, '\\$&')));
  assert.equal((await s.api(`/api/flows/${id}`)).body.state, 'stopped');
});

test('a no-cors text/plain POST from another origin with the cookie is refused and triggers no run', async () => {
  const id = await startFlow(s, injectFlow);
  const res = await raw(`/api/flows/${id}/trigger`, { headers: { cookie: admin.cookie, origin: foreign, 'content-type': 'text/plain;charset=UTF-8' }, body: '{}' });
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 'CSRF_ORIGIN');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await runsOf(id), []);
  // an origin the sandbox gives (opaque "null") is foreign too
  assert.equal((await raw(`/api/flows/${id}/trigger`, { headers: { cookie: admin.cookie, origin: 'null' }, body: '' })).status, 403);
});

test('without Origin the Referer decides; with neither, a cookie request is refused', async () => {
  const id = await stoppedFlow();
  const fromReferer = await raw(`/api/flows/${id}/start`, { headers: { cookie: admin.cookie, referer: `${foreign}/page.html` } });
  assert.equal(fromReferer.status, 403);
  const bare = await raw(`/api/flows/${id}/start`, { headers: { cookie: admin.cookie } });
  assert.equal(bare.status, 403);
  assert.equal(bare.body.code, 'CSRF_ORIGIN');
  assert.equal((await s.api(`/api/flows/${id}`)).body.state, 'stopped');
  const ownReferer = await raw(`/api/flows/${id}/start`, { headers: { cookie: admin.cookie, referer: `${s.url}/flows/${id}` } });
  assert.equal(ownReferer.status, 200, JSON.stringify(ownReferer.body));
});

test('the same requests from the server\'s own origin work: start, trigger, create a user', async () => {
  const id = await stoppedFlow();
  const started = await raw(`/api/flows/${id}/start`, { headers: { cookie: admin.cookie, origin: own } });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.equal(started.body.state, 'running');
  const fired = await raw(`/api/flows/${id}/trigger`, { headers: { cookie: admin.cookie, origin: own, 'content-type': 'application/json' }, body: '{}' });
  assert.equal(fired.status, 200, JSON.stringify(fired.body));
  assert.match(fired.body.runId, /^r_/);
  const user = await raw('/api/users', { headers: { cookie: admin.cookie, origin: own, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'csrf-ok', password: GOOD_PASSWORD, role: 'viewer' }) });
  assert.equal(user.status, 201);
  // GET needs no Origin: reading is not a state change, and the answer is not readable cross-origin (no CORS)
  assert.equal((await raw(`/api/flows/${id}`, { method: 'GET', headers: { cookie: admin.cookie, origin: foreign } })).status, 200);
});

test('Bearer-token requests pass without Origin (CLI, scripts) and even with a foreign one (a page cannot forge the header)', async () => {
  const id = await stoppedFlow();
  const res = await raw(`/api/flows/${id}/start`, { headers: { authorization: `Bearer ${admin.token}` } });
  assert.equal(res.status, 200);
  const stop = await raw(`/api/flows/${id}/stop`, { headers: { authorization: `Bearer ${admin.token}`, origin: foreign, cookie: admin.cookie } });
  assert.equal(stop.status, 200);
});

test('creating an admin, deleting a user and logging out with the cookie from a foreign origin are refused', async () => {
  const headers = { cookie: admin.cookie, origin: foreign, 'content-type': 'application/json' };
  const create = await raw('/api/users', { headers, body: JSON.stringify({ username: 'mallory', password: GOOD_PASSWORD, role: 'admin' }) });
  assert.equal(create.status, 403);
  assert.equal(((await s.api('/api/users')).body as { username: string }[]).some((u) => u.username === 'mallory'), false);
  const victim = (await s.api('/api/users', { body: { username: 'victim', password: GOOD_PASSWORD, role: 'viewer' } })).body.id as string;
  assert.equal((await raw(`/api/users/${victim}`, { method: 'DELETE', headers })).status, 403);
  assert.equal((await s.api(`/api/users`)).body.some((u: { id: string }) => u.id === victim), true);
  assert.equal((await raw('/api/auth/logout', { headers })).status, 403);
  assert.equal((await raw('/api/auth/me', { method: 'GET', headers: { cookie: admin.cookie } })).status, 200, 'the session survived');
});

test('login CSRF: a login request naming a foreign Origin is refused; none or the own origin log in', async () => {
  const body = JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD });
  const ct = { 'content-type': 'application/json' };
  const refused = await raw('/api/auth/login', { headers: { ...ct, origin: foreign }, body });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'CSRF_ORIGIN');
  assert.equal((await raw('/api/auth/login', { headers: { ...ct, origin: own }, body })).status, 200);
  assert.equal((await raw('/api/auth/login', { headers: ct, body })).status, 200);
});

test('TRIBUTARY_ALLOWED_ORIGINS lets a listed origin use the cookie; others stay refused', async () => {
  const t = await startTestServer({ config: { allowedOrigins: ['https://ops.example.test'] } });
  try {
    const me = await login(t, 'admin', TEST_ADMIN_PASSWORD);
    const id = (await t.api('/api/flows', { body: injectFlow })).body.id as string;
    const post = (origin: string) => fetch(`${t.url}/api/flows/${id}/start`, { method: 'POST', headers: { cookie: me.cookie, origin } });
    assert.equal((await post('https://evil.example.test')).status, 403);
    assert.equal((await post('https://ops.example.test')).status, 200);
  } finally {
    await t.destroy();
  }
});
