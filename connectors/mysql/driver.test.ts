/** The mysql driver against the real MariaDB: test() tells failures apart; pools read types as documented. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { mysqlDriver } from './driver.ts';

const base: ConnectionProfileResolved = {
  id: 'c1',
  name: 'local',
  type: 'mysql',
  environment: 'test',
  params: { host: '127.0.0.1', port: 3306, database: 'test', user: 'root', timeoutMs: 5000 },
  secrets: {},
};
const with_ = (params: Record<string, unknown>, secrets: Record<string, string> = {}): ConnectionProfileResolved => ({
  ...base,
  params: { ...base.params, ...params },
  secrets,
});
const user = `trib_pw_${process.pid}`;
const table = `trib_drv_${process.pid}`;
let root: mysql.Connection;

before(async () => {
  root = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'test' });
  await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
  await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-pw'`);
  await root.query(`GRANT SELECT ON test.* TO '${user}'@'%'`);
  await root.query(`DROP TABLE IF EXISTS ${table}`);
  await root.query(
    `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, amount DECIMAL(30,10), d DATE, dt DATETIME(3), ts TIMESTAMP(3) NULL DEFAULT NULL, note VARCHAR(10) NOT NULL)`,
  );
});

after(async () => {
  await root.query(`DROP USER IF EXISTS '${user}'@'%'`);
  await root.query(`DROP TABLE IF EXISTS ${table}`);
  await root.end();
});

const failure = async (profile: ConnectionProfileResolved, timeoutMs = 3000): Promise<string> => {
  try {
    await mysqlDriver.test(profile, timeoutMs);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

test('test(): a working profile passes, and the password really matters', async () => {
  await mysqlDriver.test(base, 3000);
  await mysqlDriver.test(with_({ user }, { password: 'right-pw' }), 3000);
});

test('test(): wrong password, unknown host, refused port and unknown database say so in the driver’s words', async () => {
  assert.match(await failure(with_({ user }, { password: 'wrong-pw' })), new RegExp(`^Access denied for user '${user}'@'[^']+' \\(using password: YES\\)$`));
  assert.match(await failure(with_({ host: 'no-such-host.invalid' })), /ENOTFOUND|EAI_AGAIN/);
  assert.match(await failure(with_({ host: '127.0.0.1', port: 1 })), /ECONNREFUSED 127\.0\.0\.1:1/);
  assert.match(await failure(with_({ database: `nope_${process.pid}` })), new RegExp(`^Unknown database 'nope_${process.pid}'$`));
});

test('professional mode: the connection string secret is the whole profile', async () => {
  await mysqlDriver.test(with_({ mode: 'professional', host: undefined }, { connectionString: 'mysql://root@127.0.0.1:3306/test' }), 3000);
  assert.match(
    await failure(with_({ mode: 'professional' }, { connectionString: `mysql://${user}:wrong@127.0.0.1:3306/test` })),
    /^Access denied/,
  );
  assert.match(await failure(with_({ mode: 'professional' })), /professional mode needs a connection string/);
});

test('pool: BIGINT/DECIMAL as numbers where exact else text, DATE as text, DATETIME and TIMESTAMP as ISO UTC text to the microsecond', async () => {
  const pool = await mysqlDriver.open(base);
  try {
    // a session in another zone writes the TIMESTAMP; the pool (UTC sessions) must still read the instant
    await root.query(`SET time_zone = '+05:00'`);
    await root.query(`INSERT INTO ${table} VALUES (9223372036854775807, 12345678901234567890.0123456789, '2024-02-29', '2024-05-01 10:00:00.250', '2024-05-01 15:00:00.250', 'x')`);
    const [rows] = await pool.query(`SELECT * FROM ${table}`);
    assert.deepEqual(rows, [
      {
        id: '9223372036854775807',
        amount: '12345678901234567890.0123456789',
        d: '2024-02-29',
        dt: '2024-05-01T10:00:00.250000Z',
        ts: '2024-05-01T10:00:00.250000Z',
        note: 'x',
      },
    ]);
  } finally {
    await mysqlDriver.close(pool);
  }
});

test('listTables and listColumns read information_schema; a missing table is named', async () => {
  const pool = await mysqlDriver.open(base);
  try {
    assert.ok((await mysqlDriver.listTables!(pool)).includes(table));
    const cols = await mysqlDriver.listColumns!(pool, table);
    assert.deepEqual(cols.slice(0, 2), [
      { name: 'id', type: 'bigint(20)', nullable: false, primaryKey: true },
      { name: 'amount', type: 'decimal(30,10)', nullable: true, primaryKey: false },
    ]);
    assert.deepEqual((await mysqlDriver.listColumns!(pool, `test.${table}`)).length, 6);
    await assert.rejects(mysqlDriver.listColumns!(pool, 'no_such_table_x'), { message: 'table "no_such_table_x" does not exist' });
  } finally {
    await mysqlDriver.close(pool);
  }
});
