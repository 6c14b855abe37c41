/**
 * Smaller fixes a new user meets: the palette search matches categories ("database",
 * "messaging"), and an unknown address shows a not-found page with the way back to Flows.
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
});
