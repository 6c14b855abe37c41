/** Helpers of the security tests: cookie logins, users of each role, a flow serving an HTML page. */
import type { TestServer } from '../server.test-support.ts';
import type { Role } from '../store/users.ts';

/** passes the password policy */
export const GOOD_PASSWORD = 'river-stone-garden-42';

export interface Login { token: string; cookie: string; userId: string }

/** logs in as a browser would (no Origin from node's fetch) and keeps the session cookie */
export async function login(s: Pick<TestServer, 'url'>, username: string, password: string): Promise<Login> {
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; user: { id: string } };
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { token: body.token, cookie: setCookie.split(';')[0]!, userId: body.user.id };
}

/** a new user of `role` (created by admin), logged in */
export async function userWithRole(s: TestServer, role: Role, name = `${role}${Math.random().toString(36).slice(2, 8)}`): Promise<Login & { username: string }> {
  const created = await s.api('/api/users', { body: { username: name, password: GOOD_PASSWORD, role } });
  if (created.status !== 201) throw new Error(`creating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  return { ...(await login(s, name, GOOD_PASSWORD)), username: name };
}

/** http-in GET /hooks/<path> answered by http-response with `html` as text/html */
export function htmlPageFlow(path: string, html: string, responseParams: Record<string, unknown> = {}): unknown {
  return {
    name: `page ${path}`,
    nodes: [
      { id: 'in', type: 'http-in', params: { method: 'GET', path } },
      { id: 'out', type: 'http-response', params: { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html, ...responseParams } },
    ],
    edges: [{ source: 'in', target: 'out' }],
  };
}

/** saves and starts a flow with `token`; returns its id */
export async function startFlow(s: TestServer, doc: unknown, token: string = s.adminToken): Promise<string> {
  const created = await s.api('/api/flows', { body: doc, token });
  if (created.status !== 201) throw new Error(`saving the flow: ${created.status} ${JSON.stringify(created.body)}`);
  const started = await s.api(`/api/flows/${created.body.id}/start`, { method: 'POST', token });
  if (started.status !== 200) throw new Error(`starting the flow: ${started.status} ${JSON.stringify(started.body)}`);
  return created.body.id as string;
}
