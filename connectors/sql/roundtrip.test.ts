/**
 * MariaDB → PostgreSQL → MariaDB through the nodes themselves (select, insert, upsert): every
 * value comes back as it left — NULL, DECIMAL(30,10), BIGINT beyond 2^53, DATETIME/TIMESTAMP
 * (UTC, ISO text), DATE, BLOB, utf8mb4 text with emoji.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool as MyPool } from 'mysql2/promise';
import type { Pool as PgPool } from 'pg';
import type { Message } from '../../core/flow-types.ts';
import type { ConnectionDriver } from '../../server/connections/driver-api.ts';
import { mysqlDriver } from '../mysql/driver.ts';
import { postgresDriver } from '../postgres/driver.ts';
import { mysqlExecutor } from '../mysql/mysql/executor.ts';
import { mysqlRuntime } from '../mysql/mysql/runtime.ts';
import { mysqlSpec } from '../mysql/mysql/spec.ts';
import { postgresExecutor } from '../postgres/postgres/executor.ts';
import { postgresRuntime } from '../postgres/postgres/runtime.ts';
import { postgresSpec } from '../postgres/postgres/spec.ts';
import type { DbRow, SqlExecutor } from './executor.ts';
import { LOCAL_MYSQL, LOCAL_POSTGRES, SqlNodeHarness, type RunResult } from './sql.test-support.ts';

const src = `trib_rt_src_${process.pid}`;
const back = `trib_rt_back_${process.pid}`;
const mid = `trib_rt_mid_${process.pid}`;
const nodes: SqlNodeHarness[] = [];
let my: SqlExecutor;
let pg: SqlExecutor;
let myPool: MyPool;
let pgPool: PgPool;

const MY_DDL = (t: string) =>
  `CREATE TABLE ${t} (id INT PRIMARY KEY, big BIGINT NULL, amount DECIMAL(30,10) NULL, dt DATETIME(3) NULL,
    ts TIMESTAMP(3) NULL DEFAULT NULL, d DATE NULL, bin BLOB NULL, txt TEXT CHARACTER SET utf8mb4 NULL, dbl DOUBLE NULL)`;

const myNode = async (params: Record<string, unknown>) => {
  const h = await SqlNodeHarness.start({
    runtime: mysqlRuntime,
    spec: mysqlSpec,
    params: { connection: LOCAL_MYSQL.id, ...params },
    profile: LOCAL_MYSQL,
    driver: mysqlDriver as ConnectionDriver<unknown>,
  });
  nodes.push(h);
  return h;
};
const pgNode = async (params: Record<string, unknown>) => {
  const h = await SqlNodeHarness.start({
    runtime: postgresRuntime,
    spec: postgresSpec,
    params: { connection: LOCAL_POSTGRES.id, ...params },
    profile: LOCAL_POSTGRES,
    driver: postgresDriver as ConnectionDriver<unknown>,
  });
  nodes.push(h);
  return h;
};
const out = (r: RunResult): Message => {
  assert.equal(r.error, undefined, r.error?.message);
  return r.sent[0]!.msg;
};

before(async () => {
  myPool = await mysqlDriver.open(LOCAL_MYSQL);
  pgPool = await postgresDriver.open(LOCAL_POSTGRES);
  my = mysqlExecutor(myPool);
  pg = postgresExecutor(pgPool);
  for (const t of [src, back]) {
    await my.run({ sql: `DROP TABLE IF EXISTS ${t}`, binds: [] });
    await my.run({ sql: MY_DDL(t), binds: [] });
  }
  await pg.run({ sql: `DROP TABLE IF EXISTS ${mid}`, binds: [] });
  await pg.run({
    sql: `CREATE TABLE ${mid} (id INT PRIMARY KEY, big BIGINT, amount NUMERIC(30,10), dt TIMESTAMP(3), ts TIMESTAMPTZ(3),
            d DATE, bin BYTEA, txt TEXT, dbl DOUBLE PRECISION)`,
    binds: [],
  });
  await my.run({
    sql: `INSERT INTO ${src} VALUES
      (1, 9223372036854775807, 12345678901234567890.0123456789, '2024-05-01 10:20:30.123', '2024-05-01 10:20:30.456',
       '2024-02-29', X'00FF10', 'héllo 😀 世界 𝄞', 0.1),
      (2, -9007199254740993, -0.0000000001, '1970-01-01 00:00:00.000', '2038-01-19 03:14:07.999', '0001-01-01', X'', '', -1.5e300),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    binds: [],
  });
});

after(async () => {
  for (const h of nodes) await h.stop();
  for (const t of [src, back]) await my.run({ sql: `DROP TABLE IF EXISTS ${t}`, binds: [] });
  await pg.run({ sql: `DROP TABLE IF EXISTS ${mid}`, binds: [] });
  await mysqlDriver.close(myPool);
  await postgresDriver.close(pgPool);
});

test('MariaDB → PostgreSQL → MariaDB keeps every value exactly', async () => {
  const original = out(await (await myNode({ action: 'select', table: src, orderBy: 'id' })).send({})).payload as DbRow[];
  assert.deepEqual(original[0], {
    id: 1,
    big: '9223372036854775807',
    amount: '12345678901234567890.0123456789',
    dt: '2024-05-01T10:20:30.123000Z',
    ts: '2024-05-01T10:20:30.456000Z',
    d: '2024-02-29',
    bin: Buffer.from([0, 255, 16]),
    txt: 'héllo 😀 世界 𝄞',
    dbl: 0.1,
  });

  const written = out(await (await pgNode({ action: 'insert', table: mid })).send({ payload: original })).payload;
  assert.deepEqual(written, { rows: 3, affectedRows: 3, batches: 1 });
  const inPg = out(await (await pgNode({ action: 'select', table: mid, orderBy: 'id' })).send({})).payload as DbRow[];
  assert.deepEqual(inPg, original, 'PostgreSQL reads back what MariaDB gave');
  const stored = (await pg.run({ sql: `SELECT amount::text AS a, ts::text AS ts, encode(bin, 'hex') AS h FROM ${mid} WHERE id = 1`, binds: [] })).rows;
  assert.deepEqual(stored, [{ a: '12345678901234567890.0123456789', ts: '2024-05-01 10:20:30.456+00', h: '00ff10' }]);

  const upserted = out(await (await myNode({ action: 'upsert', table: back, keys: ['id'] })).send({ payload: inPg })).payload;
  assert.deepEqual(upserted, { rows: 3, affectedRows: 3, batches: 1 });
  const again = out(await (await myNode({ action: 'select', table: back, orderBy: 'id' })).send({})).payload as DbRow[];
  assert.deepEqual(again, original, 'MariaDB reads back what it first gave');
  const same = (await my.run({ sql: `SELECT COUNT(*) AS n FROM ${src} s JOIN ${back} b ON b.id = s.id AND b.big <=> s.big AND b.amount <=> s.amount AND b.dt <=> s.dt AND b.ts <=> s.ts AND b.d <=> s.d AND b.bin <=> s.bin AND BINARY b.txt <=> BINARY s.txt AND b.dbl <=> s.dbl`, binds: [] })).rows;
  assert.deepEqual(same, [{ n: 3 }], 'stored values are identical column by column (COUNT is a BIGINT: a number while exact)');
});

test('the same trip through JSON (a script node between) still keeps every value', async () => {
  const original = out(await (await myNode({ action: 'select', table: src, orderBy: 'id' })).send({})).payload as DbRow[];
  const json = JSON.parse(JSON.stringify(original)) as unknown;
  await pg.run({ sql: `DELETE FROM ${mid}`, binds: [] });
  out(await (await pgNode({ action: 'insert', table: mid })).send({ payload: json }));
  const inPg = out(await (await pgNode({ action: 'select', table: mid, orderBy: 'id' })).send({})).payload as DbRow[];
  assert.deepEqual(inPg, original);
  const viaJson = JSON.parse(JSON.stringify(inPg)) as unknown;
  out(await (await myNode({ action: 'upsert', table: back, keys: ['id'] })).send({ payload: viaJson }));
  assert.deepEqual(out(await (await myNode({ action: 'select', table: back, orderBy: 'id' })).send({})).payload, original);
});
