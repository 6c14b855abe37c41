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

test('fetch rules: numbers where exact else text, small integers as numbers, date-times as ISO UTC text to the microsecond, LOBs inline', () => {
  const db = oracledb();
  const meta = (dbType: typeof db.DB_TYPE_NUMBER, precision?: number, scale?: number) => ({ name: 'C', dbType, precision, scale });
  const scaled = fetchTypeHandler(meta(db.DB_TYPE_NUMBER, 30, 10))!;
  assert.equal(scaled.type, db.STRING);
  assert.equal(scaled.converter!('12.5'), 12.5);
  assert.equal(scaled.converter!('12345678901234567890.0123456789'), '12345678901234567890.0123456789');
  assert.equal(fetchTypeHandler(meta(db.DB_TYPE_NUMBER, 10, 0)), undefined);
  const wide = fetchTypeHandler(meta(db.DB_TYPE_NUMBER, 0, -127))!;
  assert.equal(wide.type, db.STRING);
  assert.equal(wide.converter!('42'), 42);
  assert.equal(wide.converter!('9007199254740992'), 9007199254740992);
  assert.equal(wide.converter!('9007199254740993'), '9007199254740993');
  assert.equal(wide.converter!('9223372036854775807'), '9223372036854775807');
  assert.equal(wide.converter!('1.5'), 1.5);
  // fetched as text in the session's NLS formats (ORACLE_SESSION_SQL), made ISO UTC
  for (const type of [db.DB_TYPE_DATE, db.DB_TYPE_TIMESTAMP, db.DB_TYPE_TIMESTAMP_TZ, db.DB_TYPE_TIMESTAMP_LTZ]) {
    const h = fetchTypeHandler(meta(type))!;
    assert.equal(h.type, db.STRING, type.name);
    assert.equal(h.converter!(null), null);
  }
  const ts = fetchTypeHandler(meta(db.DB_TYPE_TIMESTAMP))!.converter!;
  assert.equal(ts('2024-05-01 10:20:30.123456000'), '2024-05-01T10:20:30.123456Z');
  assert.equal(ts('2024-05-01 10:20:30.123456789'), '2024-05-01T10:20:30.123456789Z');
  assert.equal(ts('2024-05-01 10:20:30'), '2024-05-01T10:20:30.000000Z'); // DATE
  assert.equal(ts('2024-05-01 12:20:30.000001000 +02:00'), '2024-05-01T10:20:30.000001Z');
  assert.equal(ts('2024-01-01 00:20:30.999999000 +01:00'), '2023-12-31T23:20:30.999999Z');
  assert.equal(ts('2024-05-01 10:20:30.500000000 +00:00'), '2024-05-01T10:20:30.500000Z');
  assert.deepEqual(fetchTypeHandler(meta(db.DB_TYPE_CLOB)), { type: db.STRING });
  assert.deepEqual(fetchTypeHandler(meta(db.DB_TYPE_BLOB)), { type: db.BUFFER });
});
