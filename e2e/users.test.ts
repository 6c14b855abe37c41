/**
 * The Users page (admins) and the own-password dialog (everyone), driven in Chromium against a
 * real server: create, change role, reset password, the user's own change, disable → login
 * refused, the password policy's message next to the field, and "not allowed" for others.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { closeSession, openSession, shot, type Session } from './harness.ts';

const name = `edna-${randomBytes(3).toString('hex')}`;
const FIRST = 'Tributary-first-9q';
const RESET = 'Tributary-reset-4m';
const OWN = 'Tributary-own-7zk';

describe('users page', () => {
  let s: Session | undefined;
  let admin: Page;
  let userId = '';

  before(async () => {
    s = await openSession();
    admin = s.page;
  });
  after(async () => {
    await closeSession(s);
  });

  const stored = async (): Promise<{ id: string; role: string; disabled: boolean } | undefined> => {
    const list = await s!.server.api('/api/users');
    return (list.body as { id: string; username: string; role: string; disabled: boolean }[]).find((u) => u.username === name);
  };
  const row = () => admin.locator(`[data-testid="user-row"][data-username="${name}"]`);

  /** a fresh tab (its own session) logging in as `username` */
  const logIn = async (username: string, password: string): Promise<Page> => {
    const page = await s!.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(s!.server.url);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    return page;
  };

  it('shows the Users link to an admin and refuses a too-short password next to the field', async () => {
    await admin.click('a.nav-link:has-text("Users")');
    await admin.locator('[data-testid="user-row"][data-username="admin"]').waitFor();
    await admin.fill('input[name="new-username"]', name);
    await admin.fill('input[name="new-user-password"]', 'short1');
    await admin.click('button:has-text("Create user")');
    const problem = admin.locator('[data-testid="error-new-user-password"]');
    await problem.waitFor();
    assert.match(await problem.innerText(), /12 characters/);
    const banner = admin.locator('[data-testid="new-user-error"]');
    assert.match(await banner.innerText(), /password/);
    assert.equal(await banner.getAttribute('data-code'), 'INVALID_INPUT');
    await shot(admin, 'users-01-policy-error');
    assert.equal(await stored(), undefined, 'nothing was created');
  });

  it('creates an editor, changes the role to viewer and resets the password', async () => {
    await admin.fill('input[name="new-user-password"]', FIRST);
    await admin.selectOption('select[name="new-user-role"]', 'editor');
    await admin.click('button:has-text("Create user")');
    await row().waitFor();
    assert.equal(await admin.locator('[data-testid="new-user-error"]').count(), 0);
    assert.equal(await row().locator('select[name="role"]').inputValue(), 'editor');
    const created = await stored();
    assert.equal(created?.role, 'editor');
    userId = created!.id;

    await row().locator('select[name="role"]').selectOption('viewer');
    await admin.locator('[data-testid="toast-ok"]', { hasText: `${name} is now viewer` }).waitFor();
    assert.equal((await stored())?.role, 'viewer');

    await row().locator('button:has-text("Reset password")').click();
    await admin.fill('input[name="reset-password"]', RESET);
    await shot(admin, 'users-02-reset-dialog');
    await admin.click('[data-testid="reset-password-form"] button[type=submit]');
    await admin.locator('[data-testid="toast-ok"]', { hasText: 'was reset' }).waitFor();
    assert.equal(await admin.locator('[data-testid="reset-password-form"]').count(), 0);
    await shot(admin, 'users-03-list');
  });

  it('lets the user log in with the reset password and change their own; no Users page for them', async () => {
    const old = await logIn(name, FIRST);
    await old.locator('[data-testid="login-error"]').waitFor();
    await old.close();

    const user = await logIn(name, RESET);
    await user.waitForSelector('h1:has-text("Flows")');
    assert.equal(await user.locator('a.nav-link:has-text("Users")').count(), 0, 'no Users link for a viewer');
    await user.goto(`${s!.server.url}/users`);
    await user.locator('[data-testid="not-allowed"]').waitFor();
    await shot(user, 'users-04-not-allowed');

    await user.click('[data-testid="btn-change-password"]');
    await user.fill('input[name="current-password"]', 'not-my-password');
    await user.fill('input[name="new-password"]', OWN);
    await user.click('[data-testid="change-password-form"] button[type=submit]');
    assert.match(await user.locator('[data-testid="error-current-password"]').innerText(), /not your current password/);

    await user.fill('input[name="current-password"]', RESET);
    await user.fill('input[name="new-password"]', 'short2');
    await user.click('[data-testid="change-password-form"] button[type=submit]');
    assert.match(await user.locator('[data-testid="error-new-password"]').innerText(), /12 characters/);
    await shot(user, 'users-05-own-password-policy');

    await user.fill('input[name="new-password"]', OWN);
    await user.click('[data-testid="change-password-form"] button[type=submit]');
    await user.locator('[data-testid="toast-ok"]', { hasText: 'Your password was changed' }).waitFor();
    assert.equal(await user.locator('[data-testid="change-password-form"]').count(), 0);
    await user.close();

    const check = await s!.server.api('/api/auth/login', { body: { username: name, password: OWN }, token: null });
    assert.equal(check.status, 200, 'the new own password works');
  });

  it('disables the user: their login is refused; enabling lets them back', async () => {
    await row().locator('button:has-text("Disable")').click();
    await row().locator('[data-testid="user-status"]', { hasText: 'disabled' }).waitFor();
    assert.equal((await stored())?.disabled, true);
    await shot(admin, 'users-06-disabled');

    const refused = await logIn(name, OWN);
    await refused.locator('[data-testid="login-error"]').waitFor();
    assert.equal(await refused.locator('h1:has-text("Flows")').count(), 0);
    await shot(refused, 'users-07-login-refused');
    await refused.close();

    await row().locator('button:has-text("Enable")').click();
    await row().locator('[data-testid="user-status"]', { hasText: 'active' }).waitFor();
    const back = await s!.server.api('/api/auth/login', { body: { username: name, password: OWN }, token: null });
    assert.equal(back.status, 200);
    assert.equal(userId.length > 0, true);
    assert.deepEqual(s!.errors, []);
  });
});
