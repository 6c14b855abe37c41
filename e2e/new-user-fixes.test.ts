/**
 * Smaller fixes a new user meets: the palette search matches categories ("database",
 * "messaging"), an unknown address shows a not-found page with the way back to Flows, and the
 * connections list tests a row and shows its last result with a plain-language hint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSession, openSession, shot, type Session } from './harness.ts';

describe('new-user fixes', () => {
  let s: Session | undefined;
  before(async () => {
    s = await openSession();
  });
  after(async () => {
    await closeSession(s);
  });

  it('palette search "database" shows the database nodes, "messaging" the messaging ones', async () => {
    const { page } = s!;
    await page.click('text=+ New flow');
    await page.waitForSelector('[data-testid="palette-inject"]');
    const shown = async (): Promise<string[]> =>
      (await page.locator('.palette-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''))).map((t) => t.replace('palette-', ''));
    await page.fill('.palette input', 'database');
    await page.waitForSelector('[data-testid="palette-inject"]', { state: 'detached' });
    const db = await shown();
    await shot(page, 'palette-search-database');
    for (const prefix of ['mysql', 'postgres', 'oracle']) assert.ok(db.some((t) => t.startsWith(prefix)), `${prefix} node shown for "database": ${db.join(', ')}`);
    assert.ok(!db.includes('log'), 'unrelated nodes hidden');
    await page.fill('.palette input', 'messaging');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.palette-item')).some((e) => e.getAttribute('data-testid')?.includes('kafka')));
    const msg = await shown();
    for (const prefix of ['kafka', 'mqtt']) assert.ok(msg.some((t) => t.startsWith(prefix)), `${prefix} node shown for "messaging": ${msg.join(', ')}`);
    assert.ok(!msg.some((t) => t.startsWith('mysql')), 'database nodes hidden for "messaging"');
  });

  it('an unknown address shows "Page not found" with a link back to Flows', async () => {
    const { page, server } = s!;
    await page.goto(`${server.url}/no/such/page`);
    await page.waitForSelector('[data-testid="not-found"]');
    await shot(page, 'not-found');
    assert.match((await page.textContent('[data-testid="not-found"]')) ?? '', /Page not found.*\/no\/such\/page/s);
    await page.click('[data-testid="not-found"] >> text=Back to Flows');
    await page.waitForSelector('h1:has-text("Flows")');
    assert.equal(new URL(page.url()).pathname, '/');
  });

  it('the connections list tests a row and shows the last result, with a hint when it fails', async () => {
    const { page, server, errors } = s!;
    const suffix = `${process.pid}_${Date.now() % 100000}`;
    const body = (name: string, port: number): Record<string, unknown> => ({
      name, type: 'mysql', environment: 'test', params: { host: '127.0.0.1', port, database: 'test', user: 'root', timeoutMs: 3000 }, secrets: {},
    });
    for (const [name, port] of [[`good ${suffix}`, 3306], [`closed ${suffix}`, 1]] as const)
      assert.equal((await server.api('/api/connections', { body: body(name, port) })).status, 201);
    await page.goto(`${server.url}/connections`);
    const row = (name: string) => page.locator('[data-testid="connection-row"]', { hasText: name });
    await row(`good ${suffix}`).waitFor();
    assert.match((await row(`good ${suffix}`).textContent()) ?? '', /not tested/);
    for (const name of [`good ${suffix}`, `closed ${suffix}`]) {
      await row(name).locator('[data-testid="btn-row-test"]').click();
      await row(name).locator('[data-testid="last-test"]').waitFor({ timeout: 15_000 });
    }
    assert.match((await row(`good ${suffix}`).locator('[data-testid="last-test"]').textContent()) ?? '', /✓ OK/);
    assert.match((await row(`closed ${suffix}`).locator('[data-testid="last-test"]').textContent()) ?? '', /✕ nothing is listening at 127\.0\.0\.1:1\b/);
    await shot(page, 'connections-last-test');
    // the result is the server's: a reload still shows it
    await page.reload();
    await row(`closed ${suffix}`).locator('[data-testid="last-test"][data-ok="false"]').waitFor();
    assert.deepEqual(errors, [], 'no errors in the browser console');
  });
});
