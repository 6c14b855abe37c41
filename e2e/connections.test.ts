/**
 * Connections page end to end against the real MariaDB: create a profile from the generated
 * form, test it (ok), see it listed and filtered by environment, and see the driver's own error
 * for a bad port. Secrets stay write-only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSession, openSession, shot, type Session } from './harness.ts';

describe('connections', () => {
  let s: Session | undefined;
  const name = `MariaDB e2e ${process.pid}`;

  before(async () => {
    s = await openSession();
  });
  after(async () => {
    await closeSession(s);
  });

  it('creates a MariaDB connection and tests it', async () => {
    const { page, server } = s!;
    await page.click('a.nav-link:has-text("Connections")');
    await page.click('[data-testid="btn-new-connection"]');
    const form = page.locator('[data-testid="connection-form"]');
    await form.waitFor();
    await form.locator('input[name="conn.name"]').fill(name);
    await form.locator('select[name="conn.type"]').selectOption('mysql');
    await form.locator('select[name="conn.environment"]').selectOption('test');
    await form.locator('input[name="params.host"]').fill('127.0.0.1');
    await form.locator('input[name="params.port"]').fill('3306');
    await form.locator('input[name="params.database"]').fill('test');
    await form.locator('input[name="params.user"]').fill('root');
    assert.equal(await form.locator('input[name="secrets.password"]').getAttribute('type'), 'password');

    await page.click('[data-testid="btn-test-connection"]');
    await page.waitForSelector('[data-testid="test-result"][data-ok="true"]', { timeout: 15_000 });
    assert.match((await page.textContent('[data-testid="test-result"]')) ?? '', /Connection OK/);
    await shot(page, '10-connection-test-ok');

    await page.click('[data-testid="btn-save-connection"]');
    await page.locator('[data-testid="connection-row"]', { hasText: name }).waitFor();
    const list = await server.api('/api/connections');
    const saved = list.body.find((c: { name: string }) => c.name === name);
    assert.equal(saved.type, 'mysql');
    assert.equal(saved.environment, 'test');
    assert.equal(saved.params.host, '127.0.0.1');
  });

  it('filters by environment', async () => {
    const { page } = s!;
    await page.selectOption('select[name="env-filter"]', 'production');
    await page.waitForSelector('text=No connections in production');
    await page.selectOption('select[name="env-filter"]', 'test');
    await page.locator('[data-testid="connection-row"]', { hasText: name }).waitFor();
    await shot(page, '11-connection-list');
  });

  it("shows the driver's error for a bad port, inline", async () => {
    const { page, errors } = s!;
    await page.locator('[data-testid="connection-row"]', { hasText: name }).click();
    const form = page.locator('[data-testid="connection-form"]');
    await form.waitFor();
    assert.equal(await form.locator('input[name="params.host"]').inputValue(), '127.0.0.1');
    await form.locator('input[name="params.port"]').fill('1');
    await page.click('[data-testid="btn-test-connection"]');
    const result = page.locator('[data-testid="test-result"][data-ok="false"]');
    await result.waitFor({ timeout: 15_000 });
    assert.match((await result.textContent()) ?? '', /ECONNREFUSED|refused/i);
    // a plain-language hint beside the driver's text
    assert.match((await result.locator('[data-testid="test-hint"]').textContent()) ?? '', /nothing is listening at 127\.0\.0\.1:1\b/);
    await shot(page, '12-connection-test-error');
    await page.click('button:has-text("Cancel")');
    assert.deepEqual(errors, [], 'no errors in the browser console');
  });
});
