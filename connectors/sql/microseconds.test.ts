/**
 * Issue 8 finding 5: DATETIME(6)/TIMESTAMP(6) lost their microseconds (read as a JS Date).
 * 1,200 rows with random microseconds go MariaDB → PostgreSQL and PostgreSQL → MariaDB through
 * the select and insert nodes with a JSON trip between (what a message becomes on the wire,
 * in a script node or an HTTP body); every value is compared as the database's own text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import type { Pool as MyPool } from 'mysql2/promise';
import type { Pool as PgPool } from 'pg';
import type { Message } from '../../core/flow-types.ts';
import type { ConnectionDriver } from '../../server/connections/driver-api.ts';
import { mysqlDriver } from '../mysql/driver.ts';
import { postgresDriver } from '../postgres/driver.ts';
import { mysqlRuntime } from '../mysql/mysql/runtime.ts';
import { mysqlSpec } from '../mysql/mysql/spec.ts';
import { postgresRuntime } from '../postgres/postgres/runtime.ts';
import { postgresSpec } from '../postgres/postgres/spec.ts';
import { LOCAL_MYSQL, LOCAL_POSTGRES, SqlNodeHarness, type RunResult } from './sql.test-support.ts';

const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const mySrc = `trib_us_mysrc_${suffix}`;
const myDst = `trib_us_mydst_${suffix}`;
const pgSrc = `trib_us_pgsrc_${suffix}`;
const pgDst = `trib_us_pgdst_${suffix}`;
const ROWS = 1200;
const nodes: SqlNodeHarness[] = [];
let myPool: MyPool;
let pgPool: PgPool;

const harness = async (kind: 'mysql' | 'postgres', params: Record<string, unknown>): Promise<SqlNodeHarness> => {
  const h = await SqlNodeHarness.start(
    kind === 'mysql'
      ? { runtime: mysqlRuntime, spec: mysqlSpec, params: { connection: LOCAL_MYSQL.id, ...params }, profile: LOCAL_MYSQL, driver: mysqlDriver as ConnectionDriver<unknown> }
      : { runtime: postgresRuntime, spec: postgresSpec, params: { connection: LOCAL_POSTGRES.id, ...params }, profile: LOCAL_POSTGRES, driver: postgresDriver as ConnectionDriver<unknown> },
  );
  nodes.push(h);
  return h;
};
const out = (r: RunResult): Message => {
  assert.equal(r.error, undefined, r.error?.message);
  return r.sent[0]!.msg;
};

/** 'YYYY-MM-DD HH:MM:SS.ffffff' in 2000…2037 (inside TIMESTAMP's range), microseconds random and never all zero */
function randomWallTime(): string {
  const ms = Date.UTC(2000, 0, 1) + randomInt(0, 37 * 365 * 86_400) * 1000;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${String(randomInt(1, 1_000_000)).padStart(6, '0')}`;
}

/** id → [dt, ts] as the database's own text, microseconds included */
async function myText(table: string): Promise<Map<number, [string, string]>> {
  const [rows] = await myPool.query(`SELECT id, DATE_FORMAT(dt, '%Y-%m-%d %H:%i:%s.%f') AS dt, DATE_FORMAT(ts, '%Y-%m-%d %H:%i:%s.%f') AS ts FROM ${table}`);
  return new Map((rows as { id: number; dt: string; ts: string }[]).map((r) => [Number(r.id), [r.dt, r.ts]]));
}
async function pgText(table: string): Promise<Map<number, [string, string]>> {
  const { rows } = await pgPool.query<{ id: number; dt: string; ts: string }>(
    `SELECT id, to_char(dt, 'YYYY-MM-DD HH24:MI:SS.US') AS dt, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS ts FROM ${table}`,
  );
  return new Map(rows.map((r) => [Number(r.id), [r.dt, r.ts]]));
}

function assertSame(got: Map<number, [string, string]>, want: Map<number, [string, string]>): void {
  assert.equal(got.size, want.size, 'row count');
  let differ = 0;
  let first = '';
  for (const [id, v] of want) {
    const g = got.get(id);
    if (!g || g[0] !== v[0] || g[1] !== v[1]) {
      differ++;
      first ||= `id ${id}: want ${v.join(' / ')}, got ${g?.join(' / ')}`;
    }
  }
  assert.equal(differ, 0, `${differ} of ${want.size} rows differ; first: ${first}`);
}

before(async () => {
  myPool = await mysqlDriver.open(LOCAL_MYSQL);
  pgPool = await postgresDriver.open(LOCAL_POSTGRES);
  for (const t of [mySrc, myDst]) await myPool.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, dt DATETIME(6) NULL, ts TIMESTAMP(6) NULL DEFAULT NULL)`);
  for (const t of [pgSrc, pgDst]) await pgPool.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, dt timestamp(6), ts timestamptz)`);
  const values = Array.from({ length: ROWS }, (_, i) => [i + 1, randomWallTime(), randomWallTime()]);
  await myPool.query(`INSERT INTO ${mySrc} (id, dt, ts) VALUES ?`, [values]);
  const pgValues = Array.from({ length: ROWS }, (_, i) => [i + 1, randomWallTime(), randomWallTime()]);
  await pgPool.query(
    `INSERT INTO ${pgSrc} (id, dt, ts) SELECT * FROM unnest($1::int[], $2::timestamp[], $3::timestamptz[])`,
    [pgValues.map((v) => v[0]), pgValues.map((v) => v[1]), pgValues.map((v) => `${v[2]}+00`)],
  );
});

after(async () => {
  for (const h of nodes) await h.stop();
  for (const t of [mySrc, myDst]) await myPool.query(`DROP TABLE IF EXISTS ${t}`);
  for (const t of [pgSrc, pgDst]) await pgPool.query(`DROP TABLE IF EXISTS ${t}`);
  await mysqlDriver.close(myPool);
  await postgresDriver.close(pgPool);
});

test('read: DATETIME(6)/TIMESTAMP(6) and timestamp(6)/timestamptz come as ISO UTC text with six digits', async () => {
  const [my] = out(await (await harness('mysql', { action: 'select', table: mySrc, where: 'id = 1' })).send({})).payload as Record<string, unknown>[];
  const want = (await myText(mySrc)).get(1)!;
  assert.deepEqual(my, { id: 1, dt: `${want[0].replace(' ', 'T')}Z`, ts: `${want[1].replace(' ', 'T')}Z` });
  const [pg] = out(await (await harness('postgres', { action: 'select', table: pgSrc, where: 'id = 1' })).send({})).payload as Record<string, unknown>[];
  const pgWant = (await pgText(pgSrc)).get(1)!;
  assert.deepEqual(pg, { id: 1, dt: `${pgWant[0].replace(' ', 'T')}Z`, ts: `${pgWant[1].replace(' ', 'T')}Z` });
});

test(`${ROWS} rows with random microseconds: MariaDB → JSON message → PostgreSQL, every value exact`, async () => {
  const rows = out(await (await harness('mysql', { action: 'select', table: mySrc, orderBy: 'id', pageSize: 5000 })).send({})).payload;
  const message = JSON.parse(JSON.stringify({ payload: rows })) as Message;
  const written = out(await (await harness('postgres', { action: 'insert', table: pgDst, batchSize: 500 })).send(message)).payload;
  assert.deepEqual(written, { rows: ROWS, affectedRows: ROWS, batches: 3 });
  assertSame(await pgText(pgDst), await myText(mySrc));
});

test(`${ROWS} rows with random microseconds: PostgreSQL → JSON message → MariaDB (upsert), every value exact`, async () => {
  const rows = out(await (await harness('postgres', { action: 'select', table: pgSrc, orderBy: 'id', pageSize: 5000 })).send({})).payload;
  const message = JSON.parse(JSON.stringify({ payload: rows })) as Message;
  out(await (await harness('mysql', { action: 'upsert', table: myDst, keys: ['id'], batchSize: 500 })).send(message));
  assertSame(await myText(myDst), await pgText(pgSrc));
});
