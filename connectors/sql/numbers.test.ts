/**
 * Issue 8 finding 12 (types): COUNT results came back as strings. COUNT/SUM/BIGINT/DECIMAL are
 * JSON numbers where exact (|n| ≤ 2^53) and the database's digits as a string only beyond,
 * on MariaDB and PostgreSQL, through the `sql` and `select` actions, as JSON text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ConnectionDriver } from '../../server/connections/driver-api.ts';
import { mysqlDriver } from '../mysql/driver.ts';
import { postgresDriver } from '../postgres/driver.ts';
import { mysqlRuntime } from '../mysql/mysql/runtime.ts';
import { mysqlSpec } from '../mysql/mysql/spec.ts';
import { postgresRuntime } from '../postgres/postgres/runtime.ts';
import { postgresSpec } from '../postgres/postgres/spec.ts';
import { LOCAL_MYSQL, LOCAL_POSTGRES, SqlNodeHarness } from './sql.test-support.ts';

const table = `trib_num_${process.pid}_${randomBytes(3).toString('hex')}`;
const nodes: SqlNodeHarness[] = [];

const setups = {
  mysql: {
    start: (params: Record<string, unknown>) =>
      SqlNodeHarness.start({ runtime: mysqlRuntime, spec: mysqlSpec, params: { connection: LOCAL_MYSQL.id, ...params }, profile: LOCAL_MYSQL, driver: mysqlDriver as ConnectionDriver<unknown> }),
    ddl: `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, big BIGINT, amount DECIMAL(30,10))`,
  },
  postgres: {
    start: (params: Record<string, unknown>) =>
      SqlNodeHarness.start({ runtime: postgresRuntime, spec: postgresSpec, params: { connection: LOCAL_POSTGRES.id, ...params }, profile: LOCAL_POSTGRES, driver: postgresDriver as ConnectionDriver<unknown> }),
    ddl: `CREATE TABLE ${table} (id BIGINT PRIMARY KEY, big BIGINT, amount NUMERIC(30,10))`,
  },
};

async function run(kind: keyof typeof setups, params: Record<string, unknown>, payload?: unknown): Promise<unknown> {
  const h = await setups[kind].start(params);
  nodes.push(h);
  const r = await h.send(payload === undefined ? {} : { payload });
  assert.equal(r.error, undefined, r.error?.message);
  return r.sent[0]!.msg.payload;
}

before(async () => {
  for (const kind of ['mysql', 'postgres'] as const) {
    await run(kind, { action: 'sql', sql: `DROP TABLE IF EXISTS ${table}` });
    await run(kind, { action: 'sql', sql: setups[kind].ddl });
    await run(kind, { action: 'insert', table }, [
      { id: 1, big: 9007199254740992, amount: '12.50' },
      { id: 2, big: '9007199254740993', amount: '12345678901234567890.0123456789' },
      { id: 3, big: '-9223372036854775808', amount: '-0.25' },
    ]);
  }
});

after(async () => {
  for (const kind of ['mysql', 'postgres'] as const) await run(kind, { action: 'sql', sql: `DROP TABLE IF EXISTS ${table}` });
  for (const h of nodes) await h.stop();
});

for (const kind of ['mysql', 'postgres'] as const) {
  test(`${kind}: COUNT, SUM, BIGINT and DECIMAL are JSON numbers where exact, strings beyond 2^53`, async () => {
    const agg = await run(kind, {
      action: 'sql',
      sql: `SELECT COUNT(*) AS n, SUM(id) AS total, SUM(big) AS bigsum, MAX(amount) AS top, MIN(amount) AS low FROM ${table} WHERE id > :from`,
      binds: { from: 0 },
    });
    assert.equal(
      JSON.stringify(agg),
      '[{"n":3,"total":6,"bigsum":"-9205357638345293823","top":"12345678901234567890.0123456789","low":-0.25}]',
    );
    const rows = await run(kind, { action: 'select', table, orderBy: 'id' });
    assert.equal(
      JSON.stringify(rows),
      '[{"id":1,"big":9007199254740992,"amount":12.5},' +
        '{"id":2,"big":"9007199254740993","amount":"12345678901234567890.0123456789"},' +
        '{"id":3,"big":"-9223372036854775808","amount":-0.25}]',
    );
    // what a JSON answer carries writes back the same values
    await run(kind, { action: 'sql', sql: `DELETE FROM ${table}` });
    await run(kind, { action: 'insert', table }, JSON.parse(JSON.stringify(rows)));
    assert.equal(JSON.stringify(await run(kind, { action: 'select', table, orderBy: 'id' })), JSON.stringify(rows));
  });
}
