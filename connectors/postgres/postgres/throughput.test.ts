/** Rows per second through the postgres node's batch path (insert, then upsert of the same keys). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import type { ConnectionDriver } from '../../../server/connections/driver-api.ts';
import { postgresDriver } from '../driver.ts';
import { LOCAL_POSTGRES, SqlNodeHarness } from '../../sql/sql.test-support.ts';
import { postgresExecutor } from './executor.ts';
import { postgresRuntime } from './runtime.ts';
import { postgresSpec } from './spec.ts';

const table = `trib_pg_tp_${process.pid}`;
const ROWS = 100_000;
let pool: Pool;

const node = (params: Record<string, unknown>) =>
  SqlNodeHarness.start({
    runtime: postgresRuntime,
    spec: postgresSpec,
    params: { connection: LOCAL_POSTGRES.id, table, ...params },
    profile: LOCAL_POSTGRES,
    driver: postgresDriver as ConnectionDriver<unknown>,
  });

before(async () => {
  pool = await postgresDriver.open(LOCAL_POSTGRES);
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(12,2), created_at TIMESTAMPTZ)`);
});

after(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await postgresDriver.close(pool);
});

const rows = (suffix: string) =>
  Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, name: `row ${i + 1}${suffix}`, amount: `${i}.25`, created_at: new Date(1_700_000_000_000 + i) }));

for (const [action, suffix] of [
  ['insert', ''],
  ['upsert', ' v2'],
] as const) {
  test(`${action}: ${ROWS.toLocaleString('en')} rows in batches of 500`, async (t) => {
    const h = await node({ action, keys: ['id'], batchSize: 500 });
    const payload = rows(suffix);
    const started = performance.now();
    const r = await h.send({ payload });
    const seconds = (performance.now() - started) / 1000;
    await h.stop();
    assert.equal(r.error, undefined, r.error?.message);
    assert.deepEqual(r.sent[0]!.msg.payload, { rows: ROWS, affectedRows: ROWS, batches: ROWS / 500 });
    t.diagnostic(`${action}: ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s (${seconds.toFixed(2)} s)`);
    const { rows: check } = await postgresExecutor(pool).run({ sql: `SELECT COUNT(*) AS n, MAX(name) AS m FROM ${table}`, binds: [] }).then((x) => ({ rows: x.rows ?? [] }));
    assert.deepEqual(check, [{ n: ROWS, m: `row 99999${suffix}` }]);
  });
}
