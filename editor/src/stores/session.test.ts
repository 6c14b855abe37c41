// The editor's session and the stores it fills from the API, against a real Tributary server
// (and the real MariaDB for table and column pickers): login, logout, a session ended
// elsewhere, a viewer's rights, node types, connection lists, tables and columns.
import type * as AuthStoreModule from './auth-store.ts';
import { openTab, tabStorage } from '../testing/browser.test-support.ts';
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'mysql2/promise';
import { authApi, connectionsApi, flowsApi } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import { allSpecs, startTestServer, waitFor, type TestServer } from '../testing/server.test-support.ts';
import { canWrite, useAuth } from './auth-store.ts';
import { useConnections } from './connections-store.ts';
import { useNodeTypes } from './node-types-store.ts';
import { columnsKey, useSchemaCache, type Loadable } from './schema-cache-store.ts';

const TABLE = `trib_edsess_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' };

let s: TestServer;
let mysqlId = '';

before(async () => {
  s = await startTestServer();
  const db = await createConnection(MARIADB);
  await db.query(`CREATE TABLE ${TABLE} (id INT PRIMARY KEY, customer VARCHAR(80) NOT NULL, note TEXT NULL)`);
  await db.end();
  const created = await s.api('/api/connections', { body: { name: `Test DB ${TABLE}`, type: 'mysql', environment: 'test', params: MARIADB, secrets: {} } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  mysqlId = created.body.id;
});

after(async () => {
  const db = await createConnection(MARIADB);
  await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await db.end();
  await s.destroy();
});

beforeEach(() => {
  openTab(`${s.url}/flows`);
  useAuth.getState().expire();
  useAuth.setState({ notice: undefined });
});

async function logIn(username = 'admin', password = s.adminPassword): Promise<void> {
  const reply = await authApi.login(username, password);
  useAuth.getState().setSession(reply.token, reply.user);
}

test('logging in keeps the session for the tab: a reload is still logged in', async () => {
  await logIn();
  assert.equal(useAuth.getState().user?.username, 'admin');
  assert.equal(canWrite(useAuth.getState().user), true);
  assert.equal((await authApi.me()).username, 'admin');
  // a reload: the store module loads afresh and reads the tab's sessionStorage
  const reloaded = (await import(`./auth-store.ts?reload=${Date.now()}`)) as typeof AuthStoreModule;
  assert.notEqual(reloaded.useAuth, useAuth);
  assert.equal(reloaded.useAuth.getState().token, useAuth.getState().token);
  assert.equal(reloaded.useAuth.getState().user?.role, 'admin');
});

test('a wrong password shows the server\'s message and logs nobody in', async () => {
  await assert.rejects(authApi.login('admin', 'not-the-password'), (err: unknown) => err instanceof ApiError && err.status === 401 && err.code === 'WRONG_CREDENTIALS' && /wrong username or password/.test(err.message));
  assert.equal(useAuth.getState().token, undefined);
  assert.equal(useAuth.getState().notice, undefined, 'no "session ended" notice for a failed login');
});

test('logging out ends the session on the server and in the tab', async () => {
  await logIn();
  const token = useAuth.getState().token;
  await authApi.logout();
  useAuth.getState().expire();
  assert.equal(useAuth.getState().token, undefined);
  assert.equal(tabStorage.getItem('tributary.session'), null);
  assert.equal((await s.api('/api/auth/me', { token })).status, 401, 'the old token no longer works');
});

test('a session ended elsewhere (logout in another tab) sends the user to the login page with a notice', async () => {
  await logIn();
  const token = useAuth.getState().token;
  assert.equal((await s.api('/api/auth/logout', { method: 'POST', body: {}, token })).status, 204);
  await assert.rejects(flowsApi.list(), (err: unknown) => err instanceof ApiError && err.status === 401);
  assert.equal(useAuth.getState().token, undefined);
  assert.equal(useAuth.getState().notice, 'Your session has ended; please log in again.');
  assert.equal(tabStorage.getItem('tributary.session'), null);
  await logIn();
  assert.equal(useAuth.getState().notice, undefined, 'logging in again clears the notice');
});

test('a viewer reads but may not change: the editor hides writing, the server refuses it, the session stays', async () => {
  const password = `viewer-pass-${process.pid}-x`;
  const username = `viewer_${process.pid}`;
  assert.equal((await s.api('/api/users', { body: { username, password, role: 'viewer' } })).status, 201);
  await logIn(username, password);
  assert.equal(canWrite(useAuth.getState().user), false);
  assert.ok(Array.isArray(await flowsApi.list()));
  await assert.rejects(flowsApi.create({ name: 'nope', nodes: [], edges: [] }), (err: unknown) => err instanceof ApiError && err.status === 403 && err.code === 'FORBIDDEN' && err.params['role'] === 'viewer');
  assert.ok(useAuth.getState().token, 'a refused action does not log the viewer out');
});

test('node types load once per session, every type with its form schema and ports', async () => {
  await logIn();
  await useNodeTypes.getState().load();
  const { list, byType, loaded, error } = useNodeTypes.getState();
  assert.equal(error, undefined);
  assert.equal(loaded, true);
  assert.deepEqual(list.map((t) => t.type).sort(), allSpecs.map((t) => t.type).sort());
  assert.equal(byType.get('switch')?.dynamicOutputs, true);
  assert.deepEqual(byType.get('timer')?.inputs, []);
  await useNodeTypes.getState().load();
  assert.equal(useNodeTypes.getState().list, list, 'not fetched again');
});

test('node types that cannot load say why (and can be loaded after logging in)', async () => {
  useNodeTypes.setState({ list: [], byType: new Map(), loaded: false, error: undefined });
  await useNodeTypes.getState().load();
  assert.match(useNodeTypes.getState().error ?? '', /authentication required|log in|sign in/i);
  assert.equal(useNodeTypes.getState().loaded, false);
  await logIn();
  await useNodeTypes.getState().load();
  assert.equal(useNodeTypes.getState().error, undefined);
  assert.equal(useNodeTypes.getState().loaded, true);
});

test('the connection pickers list the saved profiles; reloading picks up a new one', async () => {
  await logIn();
  await useConnections.getState().refresh();
  assert.ok(useConnections.getState().list.some((c) => c.id === mysqlId && c.type === 'mysql'));
  const added = await connectionsApi.create({ name: `Broker ${process.pid}`, type: 'mqtt', environment: 'development', params: { url: 'mqtt://127.0.0.1:1883' }, secrets: {} });
  assert.equal(useConnections.getState().list.some((c) => c.id === added.id), false);
  await useConnections.getState().refresh();
  assert.ok(useConnections.getState().list.some((c) => c.id === added.id));
  await connectionsApi.remove(added.id);
});

test('a server that cannot be reached leaves the picker with a message, not a crash', async () => {
  await logIn();
  openTab('http://127.0.0.1:1/flows');
  useConnections.setState({ list: [], loaded: false, error: undefined });
  await useConnections.getState().refresh();
  assert.equal(useConnections.getState().error, 'the server cannot be reached; is it running?');
  assert.equal(useConnections.getState().loaded, true);
});

const settled = <T>(get: () => Loadable<T> | undefined): Promise<Loadable<T> | undefined> =>
  waitFor(async () => get(), (v) => v !== undefined && v.state !== 'loading', 10_000, 'the schema cache');

test('table and column pickers read the real database once per session', async () => {
  await logIn();
  const cache = useSchemaCache.getState;
  cache().loadTables(mysqlId);
  assert.equal(cache().tables[mysqlId]?.state, 'loading');
  const tables = await settled(() => cache().tables[mysqlId]);
  assert.ok(tables?.state === 'ok' && tables.value.includes(TABLE), JSON.stringify(tables));
  cache().loadTables(mysqlId);
  assert.equal(cache().tables[mysqlId], tables, 'asked once');

  const key = columnsKey(mysqlId, TABLE);
  cache().loadColumns(mysqlId, TABLE);
  const columns = await settled(() => cache().columns[key]);
  assert.ok(columns?.state === 'ok', JSON.stringify(columns));
  assert.deepEqual(columns.value.map((c) => [c.name, c.nullable, c.primaryKey === true]), [['id', false, true], ['customer', false, false], ['note', true, false]]);
});

test('a picker for a table that does not exist or a missing connection shows the server\'s reason', async () => {
  await logIn();
  const cache = useSchemaCache.getState;
  cache().loadColumns(mysqlId, `${TABLE}_missing`);
  const missing = await settled(() => cache().columns[columnsKey(mysqlId, `${TABLE}_missing`)]);
  assert.equal(missing?.state, 'error');
  cache().loadTables('c_nope');
  const gone = await settled(() => cache().tables['c_nope']);
  assert.ok(gone?.state === 'error' && /not found/i.test(gone.error), JSON.stringify(gone));
});
