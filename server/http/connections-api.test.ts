/**
 * /api/connections through the real server (SPEC §7–§8): every connection type, write-only
 * secrets (masked on read, kept by "***", encrypted at rest), validation paths, connection tests
 * with distinguishable errors against the real MariaDB, PostgreSQL and Mosquitto, schema pickers,
 * delete protection and roles.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startTestServer, type TestServer } from '../server.test-support.ts';
import { connectionDrivers } from '../../catalogue/server.ts';

const SUFFIX = `${process.pid}_${Date.now() % 100000}`;
const MY_USER = `trib_conn_${SUFFIX}`;
const MY_PASSWORD = `My-${randomBytes(9).toString('hex')}`;
const MY_TABLE = `conn_api_${SUFFIX}`;
const PG_TABLE = `conn_api_${SUFFIX}`;
const SECRETS = {
  mysql: MY_PASSWORD,
  postgres: `Pg-${randomBytes(9).toString('hex')}`,
  oracle: `Or-${randomBytes(9).toString('hex')}`,
  mqtt: `Mq-${randomBytes(9).toString('hex')}`,
  mqttKey: `-----BEGIN PRIVATE KEY-----\nKey${randomBytes(12).toString('hex')}\n-----END PRIVATE KEY-----`,
  kafka: `Kf-${randomBytes(9).toString('hex')}`,
};
const ALL_SECRETS = Object.values(SECRETS);

let s: TestServer;
let my: mysql.Connection;
let pgc: pg.Client;
/** connection ids by type */
const ids: Record<string, string> = {};

type Body = Record<string, any>;

before(async () => {
  s = await startTestServer();
  my = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
  await my.query(`DROP USER IF EXISTS '${MY_USER}'@'%'`);
  await my.query(`CREATE USER '${MY_USER}'@'%' IDENTIFIED BY '${MY_PASSWORD}'`);
  await my.query(`GRANT ALL ON test.* TO '${MY_USER}'@'%'`);
  await my.query(`DROP TABLE IF EXISTS ${MY_TABLE}`);
  await my.query(`CREATE TABLE ${MY_TABLE} (id INT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL, note TEXT NULL, amount DECIMAL(10,2) NULL)`);
  pgc = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await pgc.connect();
  await pgc.query(`DROP TABLE IF EXISTS ${PG_TABLE}`);
  await pgc.query(`CREATE TABLE ${PG_TABLE} (tenant INT NOT NULL, id BIGINT NOT NULL, label VARCHAR(40), amount NUMERIC(12,3) NOT NULL, PRIMARY KEY (tenant, id))`);
});

after(async () => {
  await s.destroy();
  await my.query(`DROP TABLE IF EXISTS ${MY_TABLE}`);
  await my.query(`DROP USER IF EXISTS '${MY_USER}'@'%'`);
  await my.end();
  await pgc.query(`DROP TABLE IF EXISTS ${PG_TABLE}`);
  await pgc.end();
});

const mysqlBody = (over: Body = {}, secrets: Body = { password: MY_PASSWORD }): Body => ({
  name: `maria ${SUFFIX}`,
  type: 'mysql',
  environment: 'test',
  params: { host: '127.0.0.1', port: 3306, database: 'test', user: MY_USER, timeoutMs: 3000, ...over },
  secrets,
});
const pgBody = (over: Body = {}, secrets: Body = { password: SECRETS.postgres }): Body => ({
  name: `pg ${SUFFIX}`,
  type: 'postgres',
  environment: 'production',
  params: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', timeoutMs: 3000, ...over },
  secrets,
});

function assertNoSecret(body: unknown, where: string): void {
  const text = JSON.stringify(body);
  for (const secret of ALL_SECRETS) assert.ok(!text.includes(secret), `${where} leaks a secret: ${text.slice(0, 300)}`);
}

test('create one connection of each type; reads show "***" for each secret set and never a value', async () => {
  const bodies: Body[] = [
    mysqlBody(),
    pgBody(),
    {
      name: `oracle ${SUFFIX}`, type: 'oracle', environment: 'development',
      params: { host: '127.0.0.1', port: 1521, serviceName: 'FREEPDB1', user: 'scott' }, secrets: { password: SECRETS.oracle },
    },
    {
      name: `mqtt ${SUFFIX}`, type: 'mqtt', environment: 'development',
      params: { url: 'mqtt://127.0.0.1:1883', clientId: `conn-api-${SUFFIX}`, username: 'dev', timeoutMs: 3000 },
      secrets: { password: SECRETS.mqtt, key: SECRETS.mqttKey },
    },
    {
      // the SASL password given inside params is moved to the secrets
      name: `kafka ${SUFFIX}`, type: 'kafka', environment: 'development',
      params: { brokers: ['127.0.0.1:9092'], sasl: { mechanism: 'scram-sha-256', username: 'app', password: SECRETS.kafka }, timeoutMs: 1500 },
    },
    {
      name: `http ${SUFFIX}`, type: 'http', environment: 'development',
      params: { baseUrl: `${s.url}/api/flows`, auth: 'bearer', timeoutMs: 3000 }, secrets: { secret: s.adminToken },
    },
  ];
  const expectedSecrets: Record<string, string[]> = {
    mysql: ['password'], postgres: ['password'], oracle: ['password'], mqtt: ['key', 'password'], kafka: ['sasl.password'], http: ['secret'],
  };
  for (const body of bodies) {
    const res = await s.api('/api/connections', { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.match(res.body.id, /\S/);
    ids[body['type']] = res.body.id;
    assertNoSecret(res.body, `POST ${body['type']}`);
    assert.deepEqual(Object.keys(res.body.secrets).sort(), expectedSecrets[body['type']]);
    for (const v of Object.values(res.body.secrets)) assert.equal(v, '***');
    const got = await s.api(`/api/connections/${res.body.id}`);
    assert.equal(got.status, 200);
    assertNoSecret(got.body, `GET ${body['type']}`);
    assert.equal(got.body.type, body['type']);
    assert.equal(got.body.environment, body['environment']);
    assert.deepEqual(got.body.secrets, res.body.secrets);
    assert.deepEqual(got.body.usedBy, []);
  }
  // defaults applied, secrets never left in params
  const kafka = (await s.api(`/api/connections/${ids['kafka']}`)).body;
  assert.deepEqual(kafka.params.sasl, { mechanism: 'scram-sha-256', username: 'app' });
  assert.equal(kafka.params.clientId, 'tributary');
  const oracle = (await s.api(`/api/connections/${ids['oracle']}`)).body;
  assert.equal(oracle.params.timeoutMs, 10000);

  const list = await s.api('/api/connections');
  assert.equal(list.status, 200);
  assertNoSecret(list.body, 'GET list');
  for (const id of Object.values(ids)) assert.ok(list.body.some((c: Body) => c.id === id), id);
  const production = (await s.api('/api/connections?environment=production')).body as Body[];
  assert.deepEqual(production.map((c) => c.id), [ids['postgres']]);
  const testEnv = (await s.api('/api/connections?environment=test')).body as Body[];
  assert.deepEqual(testEnv.map((c) => c.id), [ids['mysql']]);
  const dev = (await s.api('/api/connections?environment=development')).body as Body[];
  assert.deepEqual(dev.map((c) => c.type).sort(), ['http', 'kafka', 'mqtt', 'oracle']);
  const bad = await s.api('/api/connections?environment=staging');
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /environment/);
  // the name is unique
  const dup = await s.api('/api/connections', { body: mysqlBody() });
  assert.equal(dup.status, 409, JSON.stringify(dup.body));
});

test('secrets are encrypted at rest in the store file', async () => {
  const db = new Database(join(s.dataDir, 'tributary.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT * FROM connections').all() as Record<string, unknown>[];
    assert.ok(rows.length >= 6);
    for (const row of rows) assert.equal(typeof row['secrets_enc'], 'string', `${String(row['name'])} has sealed secrets`);
    const text = JSON.stringify(rows);
    for (const secret of ALL_SECRETS) assert.ok(!text.includes(secret), 'a secret is stored in clear');
    // nor any readable fragment of one (e.g. in params)
    assert.ok(!text.includes(MY_PASSWORD.slice(3, 12)));
  } finally {
    db.close();
  }
});

test('PUT with "***" (or without secrets) keeps the stored password; a new one replaces it', async () => {
  const id = ids['mysql']!;
  assert.deepEqual((await s.api(`/api/connections/${id}/test`, { body: {} })).body, { ok: true });
  const put = await s.api(`/api/connections/${id}`, { method: 'PUT', body: mysqlBody({ timeoutMs: 4000 }, { password: '***' }) });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.params.timeoutMs, 4000);
  assert.deepEqual(put.body.secrets, { password: '***' });
  assert.deepEqual((await s.api(`/api/connections/${id}/test`, { body: {} })).body, { ok: true });

  // only the name changes: secrets and params stay
  const renamed = await s.api(`/api/connections/${id}`, { method: 'PUT', body: { name: `maria renamed ${SUFFIX}` } });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.equal(renamed.body.params.user, MY_USER);
  assert.deepEqual((await s.api(`/api/connections/${id}/test`, { body: {} })).body, { ok: true });

  // an unsaved test of the edited profile fills "***" from the stored one
  const unsaved = await s.api('/api/connections/test', { body: { id, ...mysqlBody({}, { password: '***' }) } });
  assert.deepEqual(unsaved.body, { ok: true });

  const wrong = await s.api(`/api/connections/${id}`, { method: 'PUT', body: mysqlBody({}, { password: 'not-the-password' }) });
  assert.equal(wrong.status, 200);
  const failed = (await s.api(`/api/connections/${id}/test`, { body: {} })).body;
  assert.equal(failed.ok, false);
  assert.match(failed.error, /Access denied/);
  const back = await s.api(`/api/connections/${id}`, { method: 'PUT', body: mysqlBody({}, { password: MY_PASSWORD }) });
  assert.equal(back.status, 200);
  assert.deepEqual((await s.api(`/api/connections/${id}/test`, { body: {} })).body, { ok: true });
  assertNoSecret(back.body, 'PUT response');

  // an invalid PUT changes nothing
  const invalid = await s.api(`/api/connections/${id}`, { method: 'PUT', body: mysqlBody({ port: 0 }, { password: 'other' }) });
  assert.equal(invalid.status, 400);
  assert.equal((await s.api(`/api/connections/${id}`)).body.params.port, 3306);
  assert.deepEqual((await s.api(`/api/connections/${id}/test`, { body: {} })).body, { ok: true });
});

test('validation errors name the field', async () => {
  const cases: [Body, string][] = [
    [mysqlBody({ port: 70000 }), 'params.port'],
    [mysqlBody({ port: 'abc' }), 'params.port'],
    [mysqlBody({ host: undefined }), 'params.host'],
    [mysqlBody({ colour: 'blue' }), 'params.colour'],
    [{ ...mysqlBody(), name: '' }, 'name'],
    [{ ...mysqlBody(), type: 'ftp' }, 'type'],
    [{ ...mysqlBody(), environment: 'staging' }, 'environment'],
    [mysqlBody({}, { token: 'x' }), 'secrets.token'],
    [{ name: 'k', type: 'kafka', params: { brokers: ['no port here'] } }, 'params.brokers[0]'],
    [{ name: 'k', type: 'kafka', params: { brokers: ['h:1'], sasl: { mechanism: 'md5' } } }, 'params.sasl.mechanism'],
    [{ name: 'm', type: 'mqtt', params: { url: 'http://broker' } }, 'params.url'],
    [{ name: 'h', type: 'http', params: { baseUrl: 'https://x', auth: 'magic' } }, 'params.auth'],
    [{ name: 'p', type: 'mysql', params: { mode: 'professional' } }, 'secrets.connectionString'],
  ];
  const before = (await s.api('/api/connections')).body.length;
  for (const [body, path] of cases) {
    const res = await s.api('/api/connections', { body: { ...body, name: body['name'] === '' ? '' : `${String(body['name'])} v` } });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.ok(res.body.details.some((d: { path: string }) => d.path === path), `${path} in ${JSON.stringify(res.body)}`);
    assert.match(res.body.error, new RegExp(path.replace(/[.[\]]/g, '\\$&')));
  }
  assert.equal((await s.api('/api/connections')).body.length, before, 'nothing stored');
});

test('connection tests: {ok:true} for good profiles, distinguishable errors for bad ones, within the timeout', async () => {
  const timeoutMs = 3000;
  const cases: [string, Body, RegExp | null][] = [
    ['mysql ok', mysqlBody(), null],
    ['mysql wrong password', mysqlBody({}, { password: 'wrong-password' }), /Access denied for user '[^']+'/],
    ['mysql unknown host', mysqlBody({ host: 'no-such-host.invalid' }), /ENOTFOUND|getaddrinfo/],
    ['mysql refused port', mysqlBody({ host: '127.0.0.1', port: 1 }), /ECONNREFUSED/],
    // as root: a user without rights on it hears "access denied" instead
    ['mysql unknown database', mysqlBody({ user: 'root', database: `no_such_db_${SUFFIX}` }, {}), /Unknown database 'no_such_db_\w+'/],
    ['postgres ok', pgBody(), null],
    // the server trusts local connections (no password check): an unknown role is its login failure
    ['postgres unknown user', pgBody({ user: `no_role_${SUFFIX}` }), /role "no_role_\w+" does not exist/],
    ['postgres unknown host', pgBody({ host: 'no-such-host.invalid' }), /ENOTFOUND|getaddrinfo/],
    ['postgres refused port', pgBody({ port: 1 }), /ECONNREFUSED/],
    ['postgres unknown database', pgBody({ database: `no_such_db_${SUFFIX}` }), /database "no_such_db_\w+" does not exist/],
    ['http ok', { name: 'h', type: 'http', params: { baseUrl: `${s.url}/api/flows`, auth: 'bearer', timeoutMs }, secrets: { secret: s.adminToken } }, null],
    ['http refused credentials', { name: 'h', type: 'http', params: { baseUrl: `${s.url}/api/flows`, auth: 'bearer', timeoutMs }, secrets: { secret: 'nope' } }, /refused the credentials.*401/],
  ];
  // the plain-language hint shown beside the driver's text
  const hints: Record<string, RegExp> = {
    'mysql wrong password': /^wrong user name or password$/,
    'mysql unknown host': /^unknown host no-such-host\.invalid/,
    'mysql refused port': /^nothing is listening at 127\.0\.0\.1:1\b/,
    'mysql unknown database': /^unknown database\/service/,
    'postgres unknown user': /^wrong user name or password$/,
    'postgres unknown host': /^unknown host no-such-host\.invalid/,
    'postgres refused port': /^nothing is listening at 127\.0\.0\.1:1\b/,
    'postgres unknown database': /^unknown database\/service/,
  };
  const errors = new Map<string, string>();
  for (const [what, body, expected] of cases) {
    const started = Date.now();
    const res = await s.api('/api/connections/test', { body });
    const took = Date.now() - started;
    assert.equal(res.status, 200, what);
    assert.ok(took < timeoutMs + 1000, `${what} took ${took} ms`);
    if (expected === null) assert.deepEqual(res.body, { ok: true }, what);
    else {
      assert.equal(res.body.ok, false, what);
      assert.match(res.body.error, expected, what);
      const hint = hints[what];
      if (hint) assert.match(String(res.body.hint), hint, `${what}: hint ${String(res.body.hint)}`);
      else assert.equal(res.body.hint, undefined, what);
      assertNoSecret(res.body, what);
      errors.set(what, res.body.error);
    }
  }
  // each failure reads differently
  const mysqlErrors = [...errors].filter(([k]) => k.startsWith('mysql')).map(([, v]) => v);
  assert.equal(new Set(mysqlErrors).size, 4);
  const pgErrors = [...errors].filter(([k]) => k.startsWith('postgres')).map(([, v]) => v);
  assert.equal(new Set(pgErrors).size, 4);

  // an invalid unsaved profile is an answer too, naming the field
  const invalid = await s.api('/api/connections/test', { body: mysqlBody({ port: 70000 }) });
  assert.equal(invalid.body.ok, false);
  assert.match(invalid.body.error, /params\.port/);
});

test('saved connection tests: POST /api/connections/:id/test', async () => {
  const saved = async (body: Body): Promise<string> => {
    const res = await s.api('/api/connections', { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const badPw = await saved({ ...mysqlBody({}, { password: 'wrong-password' }), name: `maria bad pw ${SUFFIX}` });
  const badHost = await saved({ ...pgBody({ host: 'no-such-host.invalid' }), name: `pg bad host ${SUFFIX}` });
  const badPort = await saved({ ...mysqlBody({ port: 1 }), name: `maria bad port ${SUFFIX}` });
  const badDb = await saved({ ...pgBody({ database: `no_such_db_${SUFFIX}` }), name: `pg bad db ${SUFFIX}` });
  const results = [];
  for (const id of [badPw, badHost, badPort, badDb]) {
    const res = await s.api(`/api/connections/${id}/test`, { body: {} });
    assert.equal(res.status, 200);
    assert.equal(res.body.ok, false);
    results.push(res.body.error as string);
  }
  assert.match(results[0]!, /Access denied/);
  assert.match(results[1]!, /ENOTFOUND|getaddrinfo/);
  assert.match(results[2]!, /ECONNREFUSED/);
  assert.match(results[3]!, /does not exist/);
  // the list shows each one's last test, with its hint; an edit drops it (it no longer applies)
  const listed = async (id: string): Promise<Body | undefined> => ((await s.api('/api/connections')).body as Body[]).find((c) => c['id'] === id)?.['lastTest'];
  const lastPort = await listed(badPort);
  assert.equal(lastPort?.['ok'], false);
  assert.match(String(lastPort?.['hint']), /^nothing is listening at 127\.0\.0\.1:1\b/);
  assert.match(String(lastPort?.['error']), /ECONNREFUSED/);
  assert.ok(Date.now() - Date.parse(String(lastPort?.['at'])) < 60_000);
  assert.equal((await listed(badPw))?.['hint'], 'wrong user name or password');
  assert.equal((await s.api(`/api/connections/${badPw}`)).body.lastTest.hint, 'wrong user name or password');
  assert.equal((await s.api(`/api/connections/${badPort}`, { method: 'PUT', body: { ...mysqlBody(), name: `maria bad port ${SUFFIX}` } })).status, 200);
  assert.equal(await listed(badPort), undefined, 'an edited profile has no last test');
  assert.deepEqual((await s.api(`/api/connections/${badPort}/test`, { body: {} })).body, { ok: true });
  assert.equal((await listed(badPort))?.['ok'], true);
  for (const id of [ids['mysql'], ids['postgres']]) {
    assert.deepEqual((await s.api(`/api/connections/${id}/test`, { body: {} })).body, { ok: true });
  }
  // the stored http bearer token works (it is the admin's session)
  assert.deepEqual((await s.api(`/api/connections/${ids['http']}/test`, { body: {} })).body, { ok: true });
  assert.equal((await s.api('/api/connections/c_missing/test', { body: {} })).status, 404);
  for (const id of [badPw, badHost, badPort, badDb]) assert.equal((await s.api(`/api/connections/${id}`, { method: 'DELETE' })).status, 204);
});

test('schema pickers: tables and columns (type, nullable, primary key) on MariaDB and PostgreSQL', async () => {
  const myTables = await s.api(`/api/connections/${ids['mysql']}/tables`);
  assert.equal(myTables.status, 200, JSON.stringify(myTables.body));
  assert.ok(myTables.body.includes(MY_TABLE), JSON.stringify(myTables.body).slice(0, 300));
  const myCols = await s.api(`/api/connections/${ids['mysql']}/tables/${MY_TABLE}/columns`);
  assert.equal(myCols.status, 200, JSON.stringify(myCols.body));
  assert.deepEqual(
    myCols.body.map((c: Body) => [c.name, c.type.replace(/\(11\)$/, ''), c.nullable, c.primaryKey]),
    [
      ['id', 'int', false, true],
      ['name', 'varchar(50)', false, false],
      ['note', 'text', true, false],
      ['amount', 'decimal(10,2)', true, false],
    ],
  );

  const pgTables = await s.api(`/api/connections/${ids['postgres']}/tables`);
  assert.equal(pgTables.status, 200, JSON.stringify(pgTables.body));
  assert.ok(pgTables.body.includes(PG_TABLE));
  const pgCols = await s.api(`/api/connections/${ids['postgres']}/tables/${PG_TABLE}/columns`);
  assert.equal(pgCols.status, 200, JSON.stringify(pgCols.body));
  assert.deepEqual(
    pgCols.body.map((c: Body) => [c.name, c.type, c.nullable, c.primaryKey]),
    [
      ['tenant', 'integer', false, true],
      ['id', 'bigint', false, true],
      ['label', 'character varying', true, false],
      ['amount', 'numeric', false, false],
    ],
  );
  const qualified = await s.api(`/api/connections/${ids['postgres']}/tables/public.${PG_TABLE}/columns`);
  assert.deepEqual(qualified.body, pgCols.body);

  const missing = await s.api(`/api/connections/${ids['mysql']}/tables/no_such_table_${SUFFIX}/columns`);
  assert.ok(missing.status >= 400, String(missing.status));
  assert.match(missing.body.error, new RegExp(`no_such_table_${SUFFIX}.*does not exist`));
  assert.equal((await s.api('/api/connections/c_missing/tables')).status, 404);
});

test('schema pickers on a connection that has no tables are a client error', async () => {
  const res = await s.api(`/api/connections/${ids['http']}/tables`);
  assert.match(res.body.error, /no tables/);
  assert.equal(res.status, 400);
});

const hasDriver = (type: string): boolean => connectionDrivers().has(type);
const needsDriver = (type: string) => (hasDriver(type) ? {} : { todo: `no ${type} connector in catalogue/index.ts` });

async function timedTest(body: Body): Promise<{ body: Body; took: number }> {
  const started = Date.now();
  const res = await s.api('/api/connections/test', { body });
  assert.equal(res.status, 200);
  return { body: res.body as Body, took: Date.now() - started };
}

test('mqtt connection tests: {ok:true} from Mosquitto, a refused port fails within the timeout', needsDriver('mqtt'), async () => {
  const ok = await timedTest({ name: 'mq', type: 'mqtt', params: { url: 'mqtt://127.0.0.1:1883', timeoutMs: 3000 } });
  assert.deepEqual(ok.body, { ok: true });
  const refused = await timedTest({ name: 'mq', type: 'mqtt', params: { url: 'mqtt://127.0.0.1:1', timeoutMs: 3000 } });
  assert.equal(refused.body['ok'], false);
  assert.match(refused.body['error'], /ECONNREFUSED/);
  assert.ok(refused.took < 4000, `mqtt test took ${refused.took} ms`);
  assert.deepEqual((await s.api(`/api/connections/${ids['mqtt']}/test`, { body: {} })).body, { ok: true });
});

test('kafka connection test: a broker that is not there is an answer within the timeout, never a hang', needsDriver('kafka'), async () => {
  const kafka = await timedTest({ name: 'k', type: 'kafka', params: { brokers: ['127.0.0.1:1'], timeoutMs: 1500 } });
  assert.equal(kafka.body['ok'], false);
  assert.doesNotMatch(kafka.body['error'], /no driver/);
  assert.match(kafka.body['error'], /ECONNREFUSED|connect|broker/i);
  assert.ok(kafka.took < 2500, `kafka test took ${kafka.took} ms`);
});

test('a connection used by a flow cannot be deleted until the flow is gone', async () => {
  const conn = await s.api('/api/connections', { body: { ...pgBody(), name: `pg in use ${SUFFIX}` } });
  assert.equal(conn.status, 201);
  const flow = await s.api('/api/flows', {
    body: {
      name: `uses pg ${SUFFIX}`,
      nodes: [
        { id: '100001', type: 'inject', params: { payload: {} } },
        { id: '100002', type: 'postgres', params: { connection: conn.body.id, action: 'select', table: PG_TABLE } },
      ],
      edges: [{ source: '100001', target: '100002' }],
    },
  });
  assert.equal(flow.status, 201, JSON.stringify(flow.body));
  const got = await s.api(`/api/connections/${conn.body.id}`);
  assert.deepEqual(got.body.usedBy, [{ flowId: flow.body.id, name: `uses pg ${SUFFIX}` }]);
  const refused = await s.api(`/api/connections/${conn.body.id}`, { method: 'DELETE' });
  assert.equal(refused.status, 409);
  assert.ok(refused.body.error.includes(flow.body.id), refused.body.error);
  assert.equal((await s.api(`/api/connections/${conn.body.id}`)).status, 200);
  assert.equal((await s.api(`/api/flows/${flow.body.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await s.api(`/api/connections/${conn.body.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await s.api(`/api/connections/${conn.body.id}`)).status, 404);
  assert.equal((await s.api(`/api/connections/${conn.body.id}`, { method: 'DELETE' })).status, 404);
});

test('a flow naming a connection that does not exist, or one of the wrong type, is refused with the path', async () => {
  const doc = (connection: string) => ({
    name: `bad connection ${SUFFIX}`,
    nodes: [
      { id: '100001', type: 'inject', params: { payload: {} } },
      { id: '100002', type: 'log', params: { message: 'x' } },
      { id: '100003', type: 'mysql', params: { connection, action: 'select', table: MY_TABLE } },
    ],
    edges: [{ source: '100001', target: '100002' }, { source: '100002', target: '100003' }],
  });
  const before = (await s.api('/api/flows')).body.length;
  const missing = await s.api('/api/flows', { body: doc('c_does_not_exist') });
  assert.equal(missing.status, 400);
  const issue = missing.body.details.find((d: { path: string }) => d.path === 'nodes[2].params.connection');
  assert.ok(issue, JSON.stringify(missing.body));
  assert.match(issue.message, /c_does_not_exist.*does not exist/);
  const wrongType = await s.api('/api/flows', { body: doc(ids['postgres']!) });
  assert.equal(wrongType.status, 400);
  assert.ok(wrongType.body.details.some((d: { path: string; message: string }) => d.path === 'nodes[2].params.connection' && /postgres/.test(d.message)), JSON.stringify(wrongType.body));
  assert.equal((await s.api('/api/flows')).body.length, before);
});

test('a viewer reads connections (masked) but may not create, change, test or delete them', async () => {
  const created = await s.api('/api/users', { body: { username: `viewer_${SUFFIX}`, password: 'viewer-pass-1', role: 'viewer' } });
  assert.equal(created.status, 201);
  const viewer = (await s.api('/api/auth/login', { body: { username: `viewer_${SUFFIX}`, password: 'viewer-pass-1' }, token: null })).body.token as string;
  const list = await s.api('/api/connections', { token: viewer });
  assert.equal(list.status, 200);
  assertNoSecret(list.body, 'viewer list');
  assert.equal((await s.api('/api/connections', { token: viewer, body: { ...mysqlBody(), name: `viewer made ${SUFFIX}` } })).status, 403);
  assert.equal((await s.api(`/api/connections/${ids['mysql']}`, { token: viewer, method: 'PUT', body: { name: 'x' } })).status, 403);
  assert.equal((await s.api('/api/connections/test', { token: viewer, body: mysqlBody() })).status, 403);
  assert.equal((await s.api(`/api/connections/${ids['mysql']}/test`, { token: viewer, body: {} })).status, 403);
  assert.equal((await s.api(`/api/connections/${ids['mysql']}`, { token: viewer, method: 'DELETE' })).status, 403);
  assert.equal((await s.api('/api/connections', { token: null })).status, 401);
  assert.ok(!(await s.api('/api/connections')).body.some((c: Body) => c.name === `viewer made ${SUFFIX}`));
});
