/** Bind conversion for oracledb, without a server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oracledb } from '../driver.ts';
import { driverBind } from './executor.ts';

test("the dialect's typed binds become oracledb's {type: DB_TYPE_…, val}; everything else passes", () => {
  const db = oracledb();
  const when = new Date('2024-05-01T10:00:00Z');
  assert.deepEqual(driverBind({ type: 'TIMESTAMP_TZ', val: when }), { type: db.DB_TYPE_TIMESTAMP_TZ, val: when });
  assert.deepEqual(driverBind({ type: 'CLOB', val: 'x' }), { type: db.DB_TYPE_CLOB, val: 'x' });
  assert.equal(driverBind(5), 5);
  assert.equal(driverBind('{"type":"NUMBER","val":1}'), '{"type":"NUMBER","val":1}');
  const other = { type: 'SOMETHING', val: 1 };
  assert.equal(driverBind(other), other);
});
