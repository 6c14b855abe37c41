import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoginThrottle } from './login-throttle.ts';

test('five failures for one username from one address block that pair for the rest of the window', () => {
  let now = 1_000_000;
  const t = new LoginThrottle({ maxPerUser: 5, maxPerAddress: 30, windowMs: 60_000, now: () => now });
  for (let i = 0; i < 4; i++) t.failed('10.0.0.1', 'admin');
  assert.equal(t.retryAfterMs('10.0.0.1', 'admin'), 0, 'four failures: still allowed');
  now += 10_000;
  t.failed('10.0.0.1', 'Admin');
  assert.equal(t.retryAfterMs('10.0.0.1', 'admin'), 50_000, 'blocked until 60 s after the first failure (usernames compare without case)');
  assert.equal(t.retryAfterMs('10.0.0.2', 'admin'), 0, 'another address is not blocked');
  assert.equal(t.retryAfterMs('10.0.0.1', 'eve'), 0, 'another username from that address is not blocked');
  now += 50_000;
  assert.equal(t.retryAfterMs('10.0.0.1', 'admin'), 0, 'the window ended');
});

test('an address guessing many usernames is blocked as a whole; a success clears only its own username', () => {
  let now = 0;
  const t = new LoginThrottle({ maxPerUser: 5, maxPerAddress: 6, windowMs: 1000, now: () => now });
  for (const user of ['a', 'b', 'c']) t.failed('1.2.3.4', user);
  t.failed('1.2.3.4', 'd');
  t.succeeded('1.2.3.4', 'd');
  assert.equal(t.retryAfterMs('1.2.3.4', 'e'), 0);
  t.failed('1.2.3.4', 'e');
  t.failed('1.2.3.4', 'f');
  assert.equal(t.retryAfterMs('1.2.3.4', 'anyone'), 1000, 'six failures from the address');
  assert.equal(t.retryAfterMs('5.6.7.8', 'anyone'), 0);
  now = 1000;
  assert.equal(t.retryAfterMs('1.2.3.4', 'anyone'), 0);
});
