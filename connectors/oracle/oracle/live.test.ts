/**
 * The oracle node against a real Oracle database (12c+), run only when ORACLE_CONNECT_STRING,
 * ORACLE_USER and ORACLE_PASSWORD are set; otherwise every test is reported as skipped.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../../core/flow-types.ts';
import type { ConnectionDriver, ConnectionProfileResolved } from '../../../server/connections/driver-api.ts';
import { oracleDriver, type OraclePool } from '../driver.ts';
import type { DbRow, SqlExecutor } from '../../sql/executor.ts';
import { SqlNodeHarness, type RunResult } from '../../sql/sql.test-support.ts';
import { oracleExecutor } from './executor.ts';
import { oracleRuntime } from './runtime.ts';
import { oracleSpec } from './spec.ts';

const connectString = process.env['ORACLE_CONNECT_STRING'];
const user = process.env['ORACLE_USER'];
const password = process.env['ORACLE_PASSWORD'];
const live = Boolean(connectString && user && password);
const opts = live ? {} : { skip: 'set ORACLE_CONNECT_STRING, ORACLE_USER, ORACLE_PASSWORD to run live Oracle tests' };

const profile: ConnectionProfileResolved = {
  id: 'c_ora',
  name: 'live Oracle',
  type: 'oracle',
  environment: 'test',
  params: { mode: 'professional', user, timeoutMs: 10_000 },
  secrets: { connectString: connectString ?? '', password: password ?? '' },
};
const driver = oracleDriver as ConnectionDriver<unknown>;
const orders = `trib_ora_${process.pid}_orders`;
const inc = `trib_ora_${process.pid}_inc`;
const types = `trib_ora_${process.pid}_types`;
const nodes: SqlNodeHarness[] = [];
let pool: unknown;
let admin: SqlExecutor;

const sql = async (text: string): Promise<DbRow[]> => (await admin.run({ sql: text, binds: [] })).rows ?? [];
const node = async (params: Record<string, unknown>, downstream?: (m: Message, i: number) => string | void) => {
  const h = await SqlNodeHarness.start({
    runtime: oracleRuntime,
    spec: oracleSpec,
    params: { connection: profile.id, ...params },
    profile,
    driver,
    ...(downstream ? { downstream } : {}),
  });
  nodes.push(h);
  return h;
};
const only = (r: RunResult): Message => {
  assert.equal(r.error, undefined, r.error?.message);
  assert.equal(r.sent.length, 1);
  return r.sent[0]!.msg;
};
const drop = async (t: string): Promise<void> => {
  await sql(`DROP TABLE ${t} PURGE`).catch(() => undefined);
};

before(async () => {
  if (!live) return;
  pool = await driver.open(profile);
  admin = oracleExecutor(pool as OraclePool);
  for (const t of [orders, inc, types]) await drop(t);
  await sql(`CREATE TABLE ${orders} (id NUMBER(10) PRIMARY KEY, name VARCHAR2(100) NOT NULL, qty NUMBER(10), status VARCHAR2(20))`);
  await sql(`CREATE TABLE ${inc} (id NUMBER(10) PRIMARY KEY, updated_at TIMESTAMP(6) NOT NULL, v VARCHAR2(20))`);
  await sql(
    `CREATE TABLE ${types} (id NUMBER(10) PRIMARY KEY, big NUMBER(19), amount NUMBER(30,10), dt TIMESTAMP(3),
       ts TIMESTAMP(3) WITH TIME ZONE, d DATE, bin BLOB, txt NVARCHAR2(200), flag NUMBER(1), dbl BINARY_DOUBLE)`,
  );
});

after(async () => {
  if (!live) return;
  for (const h of nodes) await h.stop();
  for (const t of [orders, inc, types]) await drop(t);
  await driver.close(pool);
});

test('live: test() logs in and runs SELECT 1 FROM DUAL; a bad password is refused', opts, async () => {
  await oracleDriver.test(profile, 10_000);
  await assert.rejects(oracleDriver.test({ ...profile, secrets: { ...profile.secrets, password: 'wrong-password' } }, 10_000), /ORA-01017/);
});

test('live: insert runs executeMany once per batch', opts, async () => {
  const h = await node({ action: 'insert', table: orders, batchSize: 500 });
  const rows = Array.from({ length: 1234 }, (_, i) => ({ id: i + 1, name: `n${i + 1}`, qty: i % 10 }));
  assert.deepEqual(only(await h.send({ payload: rows })).payload, { rows: 1234, affectedRows: 1234, batches: 3 });
});

test('live: select with binds, orderBy and FETCH FIRST', opts, async () => {
  const h = await node({ action: 'select', table: orders, fields: ['id', 'name'], where: 'qty = :q', binds: { q: 9 }, orderBy: 'id DESC', limit: 2 });
  assert.deepEqual(only(await h.send({})).payload, [
    { ID: 1230, NAME: 'n1230' },
    { ID: 1220, NAME: 'n1220' },
  ]);
});

test('live: large selects go out page by page', opts, async () => {
  const h = await node({ action: 'select', table: orders, fields: ['id'], orderBy: 'id', pageSize: 500 }, () => undefined);
  const r = await h.send({});
  assert.equal(r.error, undefined, r.error?.message);
  assert.deepEqual(r.sent.map((s) => (s.msg.payload as unknown[]).length), [500, 500, 234]);
});

test('live: incremental on a TIMESTAMP(6) column reads each row once', opts, async () => {
  for (let i = 1; i <= 5; i++)
    await sql(`INSERT INTO ${inc} (id, updated_at, v) VALUES (${i}, TIMESTAMP '2024-05-01 10:00:00.12300${i}', 'v${i}')`);
  const h = await node({ action: 'select', table: inc, fields: ['id'], incremental: { column: 'updated_at' }, limit: 2 });
  const ids = (r: RunResult) => (only(r).payload as DbRow[]).map((row) => row['ID']);
  assert.deepEqual(ids(await h.send({})), [1, 2]);
  assert.deepEqual(ids(await h.send({}, { runFails: true })), [3, 4]);
  assert.deepEqual(ids(await h.send({})), [3, 4]);
  assert.deepEqual(ids(await h.send({})), [5]);
  assert.deepEqual(ids(await h.send({})), []);
});

test('live: upsert merges, update and delete by keys and by where, sql passthrough', opts, async () => {
  const up = await node({ action: 'upsert', table: orders, keys: ['id'] });
  only(await up.send({ payload: [{ id: 1, name: 'one*', qty: 100 }, { id: 5000, name: 'new', qty: 1 }] }));
  assert.deepEqual(await sql(`SELECT id, name, qty FROM ${orders} WHERE id IN (1, 5000) ORDER BY id`), [
    { ID: 1, NAME: 'one*', QTY: 100 },
    { ID: 5000, NAME: 'new', QTY: 1 },
  ]);
  const upd = await node({ action: 'update', table: orders, keys: 'id' });
  assert.equal((only(await upd.send({ payload: [{ id: 2, qty: 222 }] })).payload as { affectedRows: number }).affectedRows, 1);
  const updWhere = await node({ action: 'update', table: orders, values: { status: 'closed' }, where: 'id < :m', binds: { m: 10 } });
  assert.equal((only(await updWhere.send({ payload: {} })).payload as { affectedRows: number }).affectedRows, 9);
  const del = await node({ action: 'delete', table: orders, keys: ['id'] });
  assert.equal((only(await del.send({ payload: [{ id: 1 }, { id: 2 }] })).payload as { affectedRows: number }).affectedRows, 2);
  const delWhere = await node({ action: 'delete', table: orders, where: 'id >= :f', binds: { f: 5000 } });
  assert.equal((only(await delWhere.send({})).payload as { affectedRows: number }).affectedRows, 1);
  const q = await node({ action: 'sql', sql: `SELECT COUNT(*) AS n FROM ${orders} WHERE name <> :x`, binds: { x: "' OR 1=1 --" } });
  assert.deepEqual(only(await q.send({})).payload, [{ N: 1232 }]);
});

test('live: types survive a write and a read', opts, async () => {
  const row = {
    id: 1,
    big: '9223372036854775807',
    amount: '12345678901234567890.0123456789',
    dt: new Date('2024-05-01T10:20:30.123Z'),
    ts: new Date('2024-12-31T23:59:59.999Z'),
    d: new Date('2024-02-29T13:14:15Z'),
    bin: Buffer.from([0, 1, 2, 254, 255]),
    txt: 'héllo 😀 世界',
    flag: 1,
    dbl: 0.1,
  };
  only(await (await node({ action: 'insert', table: types })).send({ payload: [row, { id: 2 }] }));
  const rows = only(await (await node({ action: 'select', table: types, orderBy: 'id' })).send({})).payload as DbRow[];
  assert.deepEqual(rows[0], {
    ID: 1,
    BIG: '9223372036854775807',
    AMOUNT: '12345678901234567890.0123456789',
    // date-times read as ISO UTC text (microseconds kept; a Date would drop them)
    DT: '2024-05-01T10:20:30.123000Z',
    TS: '2024-12-31T23:59:59.999000Z',
    D: '2024-02-29T13:14:15.000000Z',
    BIN: row.bin,
    TXT: row.txt,
    FLAG: 1,
    DBL: 0.1,
  });
  assert.deepEqual(rows[1], { ID: 2, BIG: null, AMOUNT: null, DT: null, TS: null, D: null, BIN: null, TXT: null, FLAG: null, DBL: null });
});

test('live: a missing table names the connection and Oracle’s error', opts, async () => {
  const r = await (await node({ action: 'select', table: `trib_ora_${process.pid}_nope` })).send({});
  assert.match(r.error?.message ?? '', /^oracle connection "live Oracle": ORA-00942/);
});
