/** The postgres driver against the real PostgreSQL: test() tells failures apart; pools read types as documented. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { postgresDriver } from './driver.ts';

const base: ConnectionProfileResolved = {
  id: 'c1',
  name: 'local',
  type: 'postgres',
  environment: 'test',
  params: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', ssl: false, timeoutMs: 5000 },
  secrets: {},
};
const with_ = (params: Record<string, unknown>, secrets: Record<string, string> = {}): ConnectionProfileResolved => ({
  ...base,
  params: { ...base.params, ...params },
  secrets,
});
const table = `trib_drv_${process.pid}`;
const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });

before(async () => {
  await admin.connect();
  await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await admin.query(
    `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, small BIGINT, amount NUMERIC(30,10), d DATE, ts TIMESTAMP(3), tz TIMESTAMPTZ(3), bin BYTEA, doc JSONB)`,
  );
});

after(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await admin.end();
});

const failure = async (profile: ConnectionProfileResolved, timeoutMs = 3000): Promise<string> => {
  try {
    await postgresDriver.test(profile, timeoutMs);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

test('test(): a working profile passes', async () => {
  await postgresDriver.test(base, 3000);
});

// The local server trusts every login (pg_hba "trust"), so a wrong password cannot fail here;
// an unknown role is the login failure it can show.
test('test(): unknown role, unknown host, refused port and unknown database say so in the driver’s words', async () => {
  assert.equal(await failure(with_({ user: 'no_such_role_x' }, { password: 'x' })), 'role "no_such_role_x" does not exist');
  assert.match(await failure(with_({ host: 'no-such-host.invalid' })), /ENOTFOUND|EAI_AGAIN/);
  assert.match(await failure(with_({ port: 1 })), /ECONNREFUSED 127\.0\.0\.1:1/);
  assert.equal(await failure(with_({ database: `nope_${process.pid}` })), `database "nope_${process.pid}" does not exist`);
});

test('pool: bigint and numeric as numbers where exact else text, date as text, timestamps as ISO UTC text, bytea as Buffer', async () => {
  // written by a session in another zone: timestamptz is an instant, timestamp a wall time
  await admin.query(`SET TIME ZONE 'Asia/Tokyo'`);
  await admin.query(
    `INSERT INTO ${table} VALUES (9223372036854775807, 5, 12345678901234567890.0123456789, '2024-02-29',
       '2024-05-01 10:00:00.250', '2024-05-01 19:00:00.250+09', '\\x00ff', '{"a":[1,"b"]}')`,
  );
  const pool = await postgresDriver.open(base);
  try {
    const { rows } = await pool.query(`SELECT * FROM ${table}`);
    assert.deepEqual(rows, [
      {
        id: '9223372036854775807',
        small: 5,
        amount: '12345678901234567890.0123456789',
        d: '2024-02-29',
        ts: '2024-05-01T10:00:00.250000Z',
        tz: '2024-05-01T10:00:00.250000Z',
        bin: Buffer.from([0, 255]),
        doc: { a: [1, 'b'] },
      },
    ]);
  } finally {
    await postgresDriver.close(pool);
  }
});

test('listTables and listColumns read information_schema; a missing table is named', async () => {
  const pool = await postgresDriver.open(base);
  try {
    assert.ok((await postgresDriver.listTables!(pool)).includes(table));
    const cols = await postgresDriver.listColumns!(pool, table);
    assert.deepEqual(cols.slice(0, 2), [
      { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
      { name: 'small', type: 'bigint', nullable: true, primaryKey: false },
    ]);
    assert.equal((await postgresDriver.listColumns!(pool, `public.${table}`)).length, 8);
    await assert.rejects(postgresDriver.listColumns!(pool, 'no_such_table_x'), { message: 'table "no_such_table_x" does not exist' });
  } finally {
    await postgresDriver.close(pool);
  }
});
