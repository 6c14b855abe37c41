/** The oracle driver without an Oracle server: connect strings, failures before login, fetch rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { fetchTypeHandler, oracleConnectString, oracleDriver, oracledb } from './driver.ts';

const base: ConnectionProfileResolved = {
  id: 'c1',
  name: 'erp',
  type: 'oracle',
  environment: 'test',
  params: { host: 'db.example.com', port: 1521, serviceName: 'ORCL', user: 'scott', timeoutMs: 3000 },
  secrets: { password: 'tiger' },
};
const with_ = (params: Record<string, unknown>, secrets: Record<string, string> = { password: 'tiger' }): ConnectionProfileResolved => ({
  ...base,
  params: { ...base.params, ...params },
  secrets,
});

test('connect string: host:port/service, a PDB service first, or the professional secret as is', () => {
  assert.equal(oracleConnectString(base), 'db.example.com:1521/ORCL');
  assert.equal(oracleConnectString(with_({ pdb: 'SALESPDB' })), 'db.example.com:1521/SALESPDB');
  assert.equal(oracleConnectString(with_({ serviceName: undefined })), 'db.example.com:1521');
  assert.equal(oracleConnectString(with_({ host: '::1' })), '[::1]:1521/ORCL');
  const descriptor = '(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=s)))';
  assert.equal(oracleConnectString(with_({ mode: 'professional' }, { password: 'x', connectString: descriptor })), descriptor);
  assert.throws(() => oracleConnectString(with_({ mode: 'professional' })), /professional mode needs a connect string/);
});

test('test(): refused port and unknown host fail with the driver’s distinct messages, in Thin mode', async () => {
  await assert.rejects(oracleDriver.test(with_({ host: '127.0.0.1', port: 1 }), 3000), (err: Error) => {
    assert.match(err.message, /^NJS-503: connection to host 127\.0\.0\.1 port 1 could not be established/);
    assert.match(err.message, /ECONNREFUSED/);
    return true;
  });
  await assert.rejects(oracleDriver.test(with_({ host: 'no-such-host.invalid' }), 3000), /NJS-5\d\d/);
  assert.equal(oracledb().thin, true, 'never switched to Thick mode');
});

test('fetch rules: decimals as strings, small integers as numbers, DATE/TIMESTAMP wall times as UTC, LOBs inline', () => {
  const db = oracledb();
  const meta = (dbType: typeof db.DB_TYPE_NUMBER, precision?: number, scale?: number) => ({ name: 'C', dbType, precision, scale });
  assert.deepEqual(fetchTypeHandler(meta(db.DB_TYPE_NUMBER, 30, 10)), { type: db.STRING });
  assert.equal(fetchTypeHandler(meta(db.DB_TYPE_NUMBER, 10, 0)), undefined);
  const wide = fetchTypeHandler(meta(db.DB_TYPE_NUMBER, 0, -127))!;
  assert.equal(wide.type, db.STRING);
  assert.equal(wide.converter!('42'), 42);
  assert.equal(wide.converter!('9223372036854775807'), '9223372036854775807');
  assert.equal(wide.converter!('1.5'), '1.5');
  const date = fetchTypeHandler(meta(db.DB_TYPE_TIMESTAMP))!;
  // the driver builds DATE/TIMESTAMP from local-time fields; the same fields are read as UTC
  assert.deepEqual(date.converter!(new Date(2024, 4, 1, 10, 20, 30, 123)), new Date('2024-05-01T10:20:30.123Z'));
  assert.deepEqual(fetchTypeHandler(meta(db.DB_TYPE_CLOB)), { type: db.STRING });
  assert.deepEqual(fetchTypeHandler(meta(db.DB_TYPE_BLOB)), { type: db.BUFFER });
  assert.equal(fetchTypeHandler(meta(db.DB_TYPE_TIMESTAMP_TZ)), undefined);
});
