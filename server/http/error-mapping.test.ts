// One error vocabulary (issue 10, item 3): every error answer is {"error","code","params"?,"details"?}
// (SPEC §7) with the status of its code (core/error-codes.ts), whichever route throws it, and a
// /hooks caller never reads a flow's database error text or connection name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ERROR_CODES } from '../../core/error-codes.ts';
import { startTestServer, type TestServer } from '../server.test-support.ts';
import { userWithRole } from './security.test-support.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

const SUFFIX = randomBytes(5).toString('hex');
type Answer = { status: number; body: Record<string, unknown> };

/** status, code, params (when given) and the fields named in details (when given) */
function refused(r: Answer, status: number, code: string, expect: { params?: Record<string, unknown>; fields?: string[] } = {}): void {
  const what = JSON.stringify(r.body);
  assert.equal(r.status, status, what);
  assert.equal(r.body['code'], code, what);
  assert.equal(ERROR_CODES[code as keyof typeof ERROR_CODES]?.status, status, `${code} is catalogued with status ${status}`);
  assert.equal(typeof r.body['error'], 'string', what);
  if (expect.params) assert.deepEqual(r.body['params'], expect.params, what);
  if (expect.fields) assert.deepEqual((r.body['details'] as { path: string }[]).map((d) => d.path), expect.fields, what);
  assert.doesNotMatch(what, /\n\s+at /, 'no stack trace');
}

const injectFlow = (name: string): unknown => ({ name, nodes: [{ id: 'i', type: 'inject', params: {} }], edges: [] });

test('404 NOT_FOUND names what and which, on every kind of resource', async () => {
  refused(await s.api('/api/flows/f_nope'), 404, 'NOT_FOUND', { params: { what: 'flow', id: 'f_nope' } });
  refused(await s.api('/api/flows/f_nope/versions'), 404, 'NOT_FOUND', { params: { what: 'flow', id: 'f_nope' } });
  refused(await s.api('/api/flows/f_nope/versions/abc'), 404, 'NOT_FOUND', { params: { what: 'version', id: 'f_nope@abc' } });
  refused(await s.api('/api/flows/f_nope/start', { method: 'POST' }), 404, 'NOT_FOUND', { params: { what: 'flow', id: 'f_nope' } });
  refused(await s.api('/api/connections/c_nope'), 404, 'NOT_FOUND', { params: { what: 'connection', id: 'c_nope' } });
  refused(await s.api('/api/connections/c_nope', { method: 'PUT', body: { name: 'x' } }), 404, 'NOT_FOUND', { params: { what: 'connection', id: 'c_nope' } });
  refused(await s.api('/api/connections/c_nope/tables'), 404, 'NOT_FOUND', { params: { what: 'connection', id: 'c_nope' } });
  refused(await s.api('/api/runs/r_nope'), 404, 'NOT_FOUND', { params: { what: 'run', id: 'r_nope' } });
  refused(await s.api('/api/users/u_nope', { method: 'DELETE' }), 404, 'NOT_FOUND', { params: { what: 'user', id: 'u_nope' } });
  refused(await s.api('/api/users/u_nope', { method: 'PUT', body: { role: 'viewer' } }), 404, 'NOT_FOUND', { params: { what: 'user', id: 'u_nope' } });
  refused(await s.api('/api/templates/nope'), 404, 'NOT_FOUND', { params: { what: 'template', id: 'nope' } });
  refused(await s.api('/api/no-such-route'), 404, 'NOT_FOUND', { params: { what: 'route', id: 'GET /api/no-such-route' } });
});

test('400 INVALID_INPUT: a malformed body or query names the field, and nothing is written', async () => {
  const flowsBefore = (await s.api('/api/flows')).body as unknown as unknown[];
  refused(await s.api('/api/flows', { body: [1, 2] }), 400, 'INVALID_INPUT', { params: { field: '' }, fields: [''] });
  const f = await s.api('/api/flows', { body: injectFlow(`trigger-${SUFFIX}`) });
  assert.equal(f.status, 201);
  refused(await s.api(`/api/flows/${String(f.body['id'])}/trigger`, { body: { nodeId: 5 } }), 400, 'INVALID_INPUT', { params: { field: 'nodeId' }, fields: ['nodeId'] });
  refused(await s.api('/api/auth/login', { body: { username: 'admin' }, token: null }), 400, 'INVALID_INPUT', { params: { field: 'password' }, fields: ['password'] });
  refused(await s.api('/api/auth/me', { method: 'PUT', body: { password: { current: 7, new: 'x' } } }), 400, 'INVALID_INPUT', { fields: ['password.current'] });
  refused(await s.api('/api/users', { body: { username: 'u', password: ['x'], role: 'viewer' } }), 400, 'INVALID_INPUT', { params: { field: 'password' }, fields: ['password'] });
  refused(await s.api('/api/users', { body: { username: `short${SUFFIX}`, password: 'short', role: 'viewer' } }), 400, 'INVALID_INPUT', { params: { field: 'password' }, fields: ['password'] });
  refused(await s.api('/api/templates/mysql-to-oracle-sync/instantiate', { body: { name: '  ' } }), 400, 'INVALID_INPUT', { params: { field: 'name' }, fields: ['name'] });
  refused(await s.api('/api/runs?limit=abc'), 400, 'INVALID_INPUT', { params: { field: 'limit' }, fields: ['limit'] });
  refused(await s.api('/api/runs?status=nope'), 400, 'INVALID_INPUT', { params: { field: 'status' }, fields: ['status'] });
  refused(await s.api('/api/connections?environment=moon'), 400, 'INVALID_INPUT', { params: { field: 'environment' }, fields: ['environment'] });
  refused(await s.api('/api/flows', { raw: '{"broken' }), 400, 'BODY_NOT_JSON');
  assert.equal(((await s.api('/api/flows')).body as unknown as unknown[]).length, flowsBefore.length + 1, 'only the valid flow was saved');
});

test('400 with a document code: flows, connections and template params list every field at fault', async () => {
  refused(await s.api('/api/flows', { body: { name: 'bad', nodes: [{ id: 't', type: 'timer', params: { interval: 0 } }], edges: [] } }), 400, 'FLOW_INVALID', {
    params: { count: 1 }, fields: ['nodes[0].params.interval'],
  });
  refused(await s.api('/api/connections', { body: { name: `c-${SUFFIX}`, type: 'postgres', params: { port: 'x' } } }), 400, 'CONNECTION_INVALID');
  const t = await s.api('/api/templates/mysql-to-oracle-sync/instantiate', { body: { params: { source: 'c_none' } } });
  refused(t, 400, 'TEMPLATE_PARAMS_INVALID');
  assert.ok((t.body['details'] as { path: string }[]).every((d) => d.path.startsWith('params.')), JSON.stringify(t.body));
});

test('401, 403: no session, and a role that may not act', async () => {
  refused(await s.api('/api/flows', { token: null }), 401, 'AUTH_REQUIRED');
  refused(await s.api('/api/auth/login', { body: { username: 'admin', password: 'not-the-password-1' }, token: null }), 401, 'WRONG_CREDENTIALS');
  const viewer = await userWithRole(s, 'viewer');
  refused(await s.api('/api/flows', { body: injectFlow('x'), token: viewer.token }), 403, 'FORBIDDEN', { params: { role: 'viewer', action: 'write' } });
  refused(await s.api('/api/users', { token: viewer.token }), 403, 'FORBIDDEN', { params: { role: 'viewer', action: 'admin' } });
  assert.equal((await s.api('/api/flows', { token: viewer.token })).status, 200, 'a viewer reads');
});

test('409: state refuses the request, with a stable code', async () => {
  const f = await s.api('/api/flows', { body: injectFlow(`conflict-${SUFFIX}`) });
  const id = String(f.body['id']);
  refused(await s.api(`/api/flows/${id}/trigger`, { body: {} }), 409, 'FLOW_NOT_RUNNING', { params: { flowId: id } });
  refused(await s.api('/api/users', { body: { username: 'ADMIN', password: 'a-good-long-password-1', role: 'viewer' } }), 409, 'username_taken', { params: { username: 'ADMIN' } });
  const me = (await s.api('/api/auth/me')).body;
  refused(await s.api(`/api/users/${String(me['id'])}`, { method: 'DELETE' }), 409, 'SELF_DELETE');
  refused(await s.api(`/api/users/${String(me['id'])}`, { method: 'PUT', body: { disabled: true } }), 409, 'SELF_DISABLE');

  // a flow that cannot start (its MQTT broker refuses): 409 saying why, the flow in state error
  const broker = await s.api('/api/connections', { body: { name: `down-${SUFFIX}`, type: 'mqtt', params: { url: 'mqtt://127.0.0.1:1', timeoutMs: 500 } } });
  assert.equal(broker.status, 201, JSON.stringify(broker.body));
  const cid = String(broker.body['id']);
  const g = await s.api('/api/flows', { body: { name: `nostart-${SUFFIX}`, nodes: [{ id: 'm', type: 'mqtt-in', params: { connection: cid, topic: 't' } }], edges: [] } });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  const start = await s.api(`/api/flows/${String(g.body['id'])}/start`, { method: 'POST' });
  refused(start, 409, 'FLOW_START_FAILED', { params: { flowId: String(g.body['id']) } });
  assert.match(String(start.body['error']), /^the flow could not start: /);
  refused(await s.api(`/api/connections/${cid}`, { method: 'DELETE' }), 409, 'CONNECTION_IN_USE');
  refused(await s.api(`/api/connections/${cid}/tables`), 400, 'SCHEMA_NOT_SUPPORTED', { params: { type: 'mqtt' } });
});

test('502 CONNECTION_FAILED when the database behind a schema picker cannot answer', async () => {
  const c = await s.api('/api/connections', {
    body: { name: `pg-down-${SUFFIX}`, type: 'postgres', params: { host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', timeoutMs: 1000 }, secrets: { password: 'unused-pw' } },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const r = await s.api(`/api/connections/${String(c.body['id'])}/tables`);
  refused(r, 502, 'CONNECTION_FAILED', { params: { connectionId: String(c.body['id']) } });
});

test('/hooks answers carry codes too, and a failed run does not tell the caller the database text or the connection name', async () => {
  const table = `no_such_table_${SUFFIX}`;
  const connName = `secret-prod-db-${SUFFIX}`;
  const c = await s.api('/api/connections', {
    body: { name: connName, type: 'postgres', params: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', timeoutMs: 3000 }, secrets: { password: 'unused-pw' } },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const path = `err-${SUFFIX}`;
  const f = await s.api('/api/flows', {
    body: {
      name: `hook-${SUFFIX}`,
      nodes: [
        { id: 'in', type: 'http-in', params: { method: 'POST', path } },
        { id: 'db', type: 'postgres', params: { connection: String(c.body['id']), action: 'sql', sql: `SELECT * FROM ${table}` } },
        { id: 'out', type: 'http-response', params: {} },
      ],
      edges: [{ source: 'in', target: 'db' }, { source: 'db', target: 'out' }],
    },
  });
  assert.equal(f.status, 201, JSON.stringify(f.body));
  assert.equal((await s.api(`/api/flows/${String(f.body['id'])}/start`, { method: 'POST' })).status, 200);

  const res = await fetch(`${s.url}/hooks/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const text = await res.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  refused({ status: res.status, body }, 500, 'FLOW_FAILED', { params: { runId: String(body['runId']) } });
  assert.doesNotMatch(text, new RegExp(`${table}|${connName}|relation|does not exist`), 'no database text, no connection name');
  // the editor's user reads why in the run
  const run = await s.api(`/api/runs/${String(body['runId'])}`);
  assert.match(String(run.body['error']), new RegExp(table));

  const missing = await fetch(`${s.url}/hooks/none-${SUFFIX}`);
  refused({ status: missing.status, body: (await missing.json()) as Record<string, unknown> }, 404, 'NOT_FOUND', { params: { what: 'hook', id: `GET /hooks/none-${SUFFIX}` } });
  const wrongMethod = await fetch(`${s.url}/hooks/${path}`);
  refused({ status: wrongMethod.status, body: (await wrongMethod.json()) as Record<string, unknown> }, 405, 'METHOD_NOT_ALLOWED');
  const broken = await fetch(`${s.url}/hooks/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
  refused({ status: broken.status, body: (await broken.json()) as Record<string, unknown> }, 400, 'BODY_NOT_JSON');
});

test('every code in the catalogue has a status and param names; every answer above used one', () => {
  for (const [code, def] of Object.entries(ERROR_CODES)) {
    assert.ok(def.status >= 400 && def.status < 600, code);
    assert.ok(Array.isArray(def.params), code);
  }
});
