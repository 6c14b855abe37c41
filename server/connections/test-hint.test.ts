// Driver errors of a failed connection test get a plain-language hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionTestHint } from './test-hint.ts';

const err = (message: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), extra);

test('nothing listening: names host:port, from the socket error or the profile', () => {
  assert.match(connectionTestHint(err('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 1 })) ?? '', /^nothing is listening at 127\.0\.0\.1:1/);
  assert.match(connectionTestHint(err('x', { code: 'ECONNREFUSED' }), { host: 'db.local', port: 5433 }) ?? '', /nothing is listening at db\.local:5433/);
  const agg = Object.assign(new AggregateError([err('a', { code: 'ECONNREFUSED' })], ''), {});
  assert.match(connectionTestHint(agg, { host: 'localhost', port: 9 }) ?? '', /nothing is listening at localhost:9/);
});

test('unknown host', () => {
  assert.equal(connectionTestHint(err('getaddrinfo ENOTFOUND nohost.invalid', { code: 'ENOTFOUND', hostname: 'nohost.invalid' })), 'unknown host nohost.invalid: check the host name');
  assert.match(connectionTestHint(err('x', { code: 'EAI_AGAIN' }), { host: 'h' }) ?? '', /^unknown host h/);
});

test('wrong user name or password: MySQL, PostgreSQL, Oracle', () => {
  for (const e of [err('Access denied', { code: 'ER_ACCESS_DENIED_ERROR' }), err('password authentication failed', { code: '28P01' }), err('ORA-01017: invalid username/password; logon denied')])
    assert.equal(connectionTestHint(e), 'wrong user name or password');
});

test('unknown database or Oracle service', () => {
  for (const e of [err('Unknown database', { code: 'ER_BAD_DB_ERROR' }), err('database "x" does not exist', { code: '3D000' }), err('NJS-518: cannot connect to Oracle Database. Service "X" is not registered')])
    assert.match(connectionTestHint(e) ?? '', /^unknown database\/service/);
});

test('no hint for errors it does not know', () => {
  assert.equal(connectionTestHint(err('boom')), undefined);
  assert.equal(connectionTestHint(err('x', { code: 'ER_SOMETHING' })), undefined);
  assert.equal(connectionTestHint('a string'), undefined);
});
