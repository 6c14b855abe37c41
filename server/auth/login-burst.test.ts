/**
 * Finding 8 (issue 11): 40 concurrent wrong passwords were all checked by scrypt, and the right
 * one inside the burst logged in, although the documented limit is 5. Attempts now take their
 * throttle place before scrypt runs, and scrypt work is bounded for the whole server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../server.test-support.ts';
import { LoginThrottle, type Attempt, type Reservation } from './login-throttle.ts';
import { ScryptSlots, PasswordCheckBusyError } from './scrypt-slots.ts';
import { hashPassword, scryptInFlight, verifyPassword } from './password.ts';
import { GOOD_PASSWORD } from '../http/security.test-support.ts';

test('a burst of 40 concurrent wrong passwords gets at most 5 scrypt checks; the right password sent within the burst gets 429', async () => {
  let checks = 0;
  const s = await startTestServer({ server: { onPasswordCheck: () => void checks++ } });
  try {
    assert.equal((await s.api('/api/users', { body: { username: 'burst', password: GOOD_PASSWORD, role: 'viewer' } })).status, 201);
    checks = 0;
    const attempt = (password: string) =>
      fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'burst', password }) });
    let firstRefusal!: () => void;
    const refused = new Promise<void>((resolve) => (firstRefusal = resolve));
    const wrong = Array.from({ length: 40 }, (_, i) => attempt(`wrong-guess-number-${i}`).then((res) => {
      if (res.status === 429) firstRefusal();
      return res;
    }));
    // the right password joins while the burst is still being answered (or after it, when
    // nothing was refused: then the check count below fails)
    await Promise.race([refused, Promise.all(wrong)]);
    const right = await attempt(GOOD_PASSWORD);
    const answers = await Promise.all(wrong);
    const statuses = answers.map((r) => r.status);
    assert.ok(checks <= 5, `${checks} password checks for one username from one address`);
    assert.ok(statuses.filter((x) => x === 401).length <= 5, JSON.stringify(statuses));
    assert.equal(statuses.filter((x) => x !== 401 && x !== 429).length, 0, JSON.stringify(statuses));
    for (const r of answers.filter((a) => a.status === 429)) assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.equal(right.status, 429, 'the right password inside the burst does not log in');
    assert.ok(Number(right.headers.get('retry-after')) > 0);
    assert.equal(((await right.json()) as { code: string }).code, 'LOGIN_THROTTLED');
    assert.ok(checks <= 5, 'and it was not checked either');
  } finally {
    await s.destroy();
  }
});

test('throttle places: pending checks count as failures until they end; a success frees its place', () => {
  let now = 0;
  const t = new LoginThrottle({ maxPerUser: 3, maxPerAddress: 100, windowMs: 1000, now: () => now });
  const placeOf = (r: Reservation): Attempt => {
    assert.ok(r.ok, 'a place was given');
    return r.attempt;
  };
  const held = [placeOf(t.reserve('a', 'u')), placeOf(t.reserve('a', 'u')), placeOf(t.reserve('a', 'u'))];
  const fourth = t.reserve('a', 'u');
  assert.equal(fourth.ok, false, 'three checks in flight: the fourth waits');
  assert.equal(fourth.ok === false && fourth.retryAfterMs, 1000);
  assert.ok(t.reserve('b', 'u').ok, 'another address has its own places');
  held[0]!.cancelled(); // a check that did not happen gives its place back
  const replacement = placeOf(t.reserve('a', 'u'));
  assert.equal(t.reserve('a', 'u').ok, false);
  held[1]!.failed();
  held[1]!.failed();
  replacement.cancelled();
  // 1 failure + 1 check in flight: a place is free only if the second failed() counted nothing
  placeOf(t.reserve('a', 'u')).cancelled();
  held[2]!.succeeded(); // the user's failures from this address are forgotten
  assert.ok(t.reserve('a', 'u').ok);
  now = 1000;
  assert.ok(t.reserve('a', 'u').ok, 'a new window');
});

test('scrypt work is bounded: at most 4 in flight, 16 waiting, further password checks are refused at once', async () => {
  const hash = await hashPassword('bounded-check-pass');
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, scryptInFlight())), 1);
  const results = await Promise.allSettled(Array.from({ length: 40 }, () => verifyPassword('wrong-password-here', hash).finally(() => (peak = Math.max(peak, scryptInFlight())))));
  clearInterval(sampler);
  const busy = results.filter((r) => r.status === 'rejected' && r.reason instanceof PasswordCheckBusyError).length;
  const checked = results.filter((r) => r.status === 'fulfilled' && r.value === false).length;
  assert.equal(busy, 20, '4 running + 16 waiting; the other 20 are refused');
  assert.equal(checked, 20);
  assert.ok(peak <= 4 && peak > 0, `peak ${peak}`);
  assert.equal(scryptInFlight(), 0);
});

test('ScryptSlots: a refused check never waits; hashing a new password waits for a slot', async () => {
  const slots = new ScryptSlots(1, 1);
  let release!: () => void;
  const first = slots.run(() => new Promise<void>((r) => (release = r)), true);
  const second = slots.run(async () => 'second', true); // waits
  await assert.rejects(slots.run(async () => 'third', true), PasswordCheckBusyError);
  const hashing = slots.run(async () => 'hash', false); // waits beyond the line
  assert.equal(slots.inFlight, 1);
  release();
  await first;
  assert.equal(await second, 'second');
  assert.equal(await hashing, 'hash');
  assert.equal(slots.inFlight, 0);
});
