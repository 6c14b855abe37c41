/**
 * Issue 11 item 13 (auth parts) and SPEC §3: password policy on every way a password is set,
 * usernames unique without case and logins without case, PUT /api/auth/me (password, language),
 * disabling users, the last admin.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../server.test-support.ts';
import { GOOD_PASSWORD, login, userWithRole } from './security.test-support.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

test('weak passwords are refused with 400 naming the field, on create, admin reset and own change', async () => {
  const cases: [string, string, RegExp][] = [
    ['password', 'carol', /^password: must be at least 12 characters$/],
    ['12345678', 'carol', /^password: must be at least 12 characters$/],
    ['password1234', 'carol', /^password: is too common/],
    ['P@ssw0rd2024!', 'carol', /^password: is too common/],
    ['carol-is-great-1', 'carol', /^password: must not contain the username$/],
    ['aaaaaaaaaaaaaaaa', 'carol', /^password: is too repetitive/],
    ['1234567890123', 'carol', /^password: is a keyboard or alphabet sequence$/],
  ];
  for (const [password, username, message] of cases) {
    const res = await s.api('/api/users', { body: { username, password, role: 'viewer' } });
    assert.equal(res.status, 400, password);
    assert.match(res.body.error, message, password);
    assert.deepEqual(res.body.details.map((d: { path: string }) => d.path), ['password']);
  }
  assert.equal((await s.api('/api/users')).body.some((u: { username: string }) => u.username === 'carol'), false, 'nothing was created');
  const dave = await userWithRole(s, 'viewer', 'dave');
  const reset = await s.api(`/api/users/${dave.userId}`, { method: 'PUT', body: { password: 'short-pw' } });
  assert.equal(reset.status, 400);
  assert.equal(reset.body.error, 'password: must be at least 12 characters');
  const own = await s.api('/api/auth/me', { method: 'PUT', token: dave.token, body: { password: { current: GOOD_PASSWORD, new: 'qwertyuiop123' } } });
  assert.equal(own.status, 400);
  assert.deepEqual(own.body.details.map((d: { path: string }) => d.path), ['password.new']);
  await login(s, 'dave', GOOD_PASSWORD); // still the old password
});

test('usernames are unique without case; login takes the name in any case', async () => {
  const dup = await s.api('/api/users', { body: { username: 'Admin', password: GOOD_PASSWORD, role: 'admin' } });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.code, 'username_taken');
  await userWithRole(s, 'editor', 'Erin');
  assert.equal((await s.api('/api/users', { body: { username: 'erin', password: GOOD_PASSWORD, role: 'viewer' } })).status, 409);
  const upper = await s.api('/api/auth/login', { body: { username: 'ADMIN', password: TEST_ADMIN_PASSWORD }, token: null });
  assert.equal(upper.status, 200);
  assert.equal(upper.body.user.username, 'admin', 'the stored spelling');
  assert.equal((await s.api('/api/auth/login', { body: { username: 'eRIN', password: GOOD_PASSWORD }, token: null })).status, 200);
});

test('PUT /api/auth/me {"password":{"current","new"}}: a wrong current password is refused; a right one ends the other sessions only', async () => {
  const u = await userWithRole(s, 'viewer', 'frank');
  const other = await login(s, 'frank', GOOD_PASSWORD);
  const wrong = await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { password: { current: 'not-my-password-1', new: 'frosty-window-88' } } });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.code, 'WRONG_PASSWORD');
  assert.deepEqual(wrong.body.details.map((d: { path: string }) => d.path), ['password.current']);
  const missing = await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { password: { new: 'frosty-window-88' } } });
  assert.equal(missing.status, 400);
  assert.equal(missing.body.details[0].path, 'password.current');
  const ok = await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { password: { current: GOOD_PASSWORD, new: 'frosty-window-88' } } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.username, 'frank');
  assert.equal((await s.api('/api/auth/me', { token: u.token })).status, 200, 'the caller stays logged in');
  assert.equal((await s.api('/api/auth/me', { token: other.token })).status, 401, 'the other session ended');
  await login(s, 'frank', 'frosty-window-88');
  await assert.rejects(login(s, 'frank', GOOD_PASSWORD));
});

test('PUT /api/auth/me guesses of the current password are throttled like logins', async () => {
  const u = await userWithRole(s, 'viewer', 'gwen');
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    statuses.push((await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { password: { current: `guess-number-${i}`, new: 'frosty-window-88' } } })).status);
  }
  assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429]);
});

test('the language preference is stored per user, returned by GET /api/auth/me, and checked', async () => {
  const u = await userWithRole(s, 'viewer', 'hana');
  const before = await s.api('/api/auth/me', { token: u.token });
  assert.deepEqual(before.body.preferences, {});
  const set = await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { language: 'zh-CN' } });
  assert.equal(set.status, 200);
  assert.equal(set.body.language, 'zh-CN');
  const me = await s.api('/api/auth/me', { token: u.token });
  assert.equal(me.body.language, 'zh-CN');
  assert.deepEqual(me.body.preferences, { language: 'zh-CN' });
  assert.equal((await s.api('/api/auth/me')).body.language, undefined, 'another user (admin) is not affected');
  assert.equal((await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { preferences: { language: 'en' } } })).body.language, 'en');
  const bad = await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { language: 'fr' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.details[0].path, 'language');
  const unknown = await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { theme: 'dark' } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.details[0].path, 'theme');
  // nothing half written: a bad preference next to a good new password changes neither
  const mixed = await s.api('/api/auth/me', { method: 'PUT', token: u.token, body: { language: 'xx', password: { current: GOOD_PASSWORD, new: 'frosty-window-88' } } });
  assert.equal(mixed.status, 400);
  await login(s, 'hana', GOOD_PASSWORD);
  assert.equal((await s.api('/api/auth/me', { token: u.token })).body.language, 'en');
});

test('PUT /api/users/:id {"disabled":true} ends the user\'s sessions and refuses their login; false lets them in again', async () => {
  const u = await userWithRole(s, 'editor', 'ivan');
  const off = await s.api(`/api/users/${u.userId}`, { method: 'PUT', body: { disabled: true } });
  assert.equal(off.status, 200);
  assert.equal(off.body.disabled, true);
  assert.equal((await s.api('/api/flows', { token: u.token })).status, 401);
  assert.equal((await s.api('/api/auth/login', { body: { username: 'ivan', password: GOOD_PASSWORD }, token: null })).status, 401);
  assert.equal((await s.api(`/api/users/${u.userId}`, { method: 'PUT', body: { disabled: 'yes' } })).body.details[0].path, 'disabled');
  assert.equal((await s.api(`/api/users/${u.userId}`, { method: 'PUT', body: { disabled: false } })).body.disabled, false);
  await login(s, 'ivan', GOOD_PASSWORD);
});

test('the last admin cannot be removed, demoted or disabled; an admin cannot disable or delete themselves', async () => {
  const me = (await s.api('/api/auth/me')).body.id as string;
  for (const body of [{ role: 'editor' }, { disabled: true }]) {
    const res = await s.api(`/api/users/${me}`, { method: 'PUT', body });
    assert.equal(res.status, 409, JSON.stringify(body));
  }
  assert.equal((await s.api(`/api/users/${me}`, { method: 'DELETE' })).status, 409);
  const second = await userWithRole(s, 'admin', 'judy');
  // with two admins, disabling one leaves one enabled admin, who then is the last
  assert.equal((await s.api(`/api/users/${second.userId}`, { method: 'PUT', body: { disabled: true } })).status, 200);
  const demote = await s.api(`/api/users/${me}`, { method: 'PUT', body: { role: 'viewer' } });
  assert.equal(demote.status, 409, 'a disabled admin does not count');
  assert.equal(demote.body.code, 'last_admin');
  assert.equal((await s.api(`/api/users/${second.userId}`, { method: 'PUT', body: { disabled: false } })).status, 200);
  assert.equal((await s.api('/api/flows', { token: second.token })).status, 401, 'disabling ended the session; enabling does not revive it');
  const judy = await login(s, 'judy', GOOD_PASSWORD);
  assert.equal((await s.api(`/api/users/${me}`, { method: 'PUT', body: { role: 'editor' }, token: judy.token })).status, 200, 'now another admin exists');
  assert.equal((await s.api(`/api/users/${me}`, { method: 'PUT', body: { role: 'admin' }, token: judy.token })).status, 200);
  assert.equal((await s.api(`/api/users/${second.userId}`, { method: 'PUT', body: { disabled: true }, token: judy.token })).status, 409, 'not oneself');
});
