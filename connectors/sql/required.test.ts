/**
 * Required columns (issue 8 finding 6) on a real MariaDB: a record lacking one fails the run
 * naming the field, and no row of that message is written (checked before the first batch).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import type { ConnectionDriver } from '../../server/connections/driver-api.ts';
import { mysqlDriver } from '../mysql/driver.ts';
import { mysqlRuntime } from '../mysql/mysql/runtime.ts';
import { mysqlSpec } from '../mysql/mysql/spec.ts';
import { LOCAL_MYSQL, SqlNodeHarness } from './sql.test-support.ts';
import { readRequired } from './params.ts';

const table = `trib_req_${process.pid}_${randomBytes(3).toString('hex')}`;
const nodes: SqlNodeHarness[] = [];
let pool: Pool;

const node = async (params: Record<string, unknown>) => {
  const h = await SqlNodeHarness.start({ runtime: mysqlRuntime, spec: mysqlSpec, params: { connection: LOCAL_MYSQL.id, action: 'insert', table, ...params }, profile: LOCAL_MYSQL, driver: mysqlDriver as ConnectionDriver<unknown> });
  nodes.push(h);
  return h;
};
const count = async (): Promise<number> => Number(((await pool.query(`SELECT COUNT(*) AS n FROM ${table}`))[0] as { n: number }[])[0]!.n);

before(async () => {
  pool = await mysqlDriver.open(LOCAL_MYSQL);
  await pool.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, device VARCHAR(20) NULL, temp DOUBLE NULL)`);
});
after(async () => {
  for (const h of nodes) await h.stop();
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await mysqlDriver.close(pool);
});

test('params: required as a list or column → field; bad names and values are named', () => {
  assert.deepEqual(readRequired('device, temp', 64), [{ column: 'device' }, { column: 'temp' }]);
  assert.deepEqual(readRequired({ device: 'data.id', temp: true }, 64), [{ column: 'device', source: 'data.id' }, { column: 'temp' }]);
  assert.throws(() => readRequired(['ok', 'bad-col'], 64), /^SqlParamError: params\.required\[1\]: /);
  assert.throws(() => readRequired({ device: 5 }, 64), /^SqlParamError: params\.required\.device: must be the message field/);
  assert.throws(() => readRequired(7, 64), /^SqlParamError: params\.required: must be a list/);
});

test('values mapping: a message lacking a required field fails naming it; no row of the batch is written', async () => {
  const h = await node({ values: { device: '${payload.id}', temp: '${payload.data.t}' }, required: { device: 'id', temp: 'data.t' }, batchSize: 1 });
  const ok = await h.send({ payload: [{ id: 'a', data: { t: 1.5 } }] });
  assert.equal(ok.error, undefined, ok.error?.message);
  for (const payload of [{}, null, 42, 'str', [1, 2], [{ id: 'b', data: { t: 2 } }, { id: 'c' }, { id: 'd', data: { t: 3 } }]]) {
    const r = await h.send({ payload });
    assert.match(r.error?.message ?? '', /^payload(\[\d\])?: required field "(id|data\.t)" \(column "(device|temp)"\) has no value/, JSON.stringify(payload));
    assert.equal((r.error as { code?: string }).code, 'MISSING_FIELD');
    assert.equal((r.error as { retryable?: boolean }).retryable, false);
  }
  assert.equal(await count(), 1, 'only the good message wrote a row (batchSize 1: the good rows before the bad one were not written either)');
});

test('payload fields as columns: required columns by name; a non-object names the field', async () => {
  const h = await node({ required: ['device'] });
  assert.equal((await h.send({ payload: { device: 'x', temp: 1 } })).error, undefined);
  for (const [payload, why] of [
    [{ temp: 2 }, /^payload: required field "device" has no value/],
    [{ device: null }, /^payload: required field "device" has no value/],
    [42, /^payload: required field "device" is missing: the message is number 42, not an object/],
    ['str', /^payload: required field "device" is missing: the message is string "str", not an object/],
    [null, /^payload: required field "device" is missing: the message is empty, not an object/],
    [[1, 2], /^payload\[0\]: required field "device" is missing: the message is number 1, not an object/],
  ] as const) {
    const r = await h.send({ payload });
    assert.match(r.error?.message ?? '', why, JSON.stringify(payload));
  }
  assert.equal(await count(), 2);
});
