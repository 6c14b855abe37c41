/**
 * Issue 8 item 7 in the editor: the flow settings keep failed runs longer than successful ones;
 * the value reaches the flow document, and a bad one is refused with the field named.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSession, openSession, shot, type Session } from './harness.ts';

describe('retention in the flow settings', () => {
  let s: Session | undefined;
  let flowId = '';

  before(async () => {
    s = await openSession();
    const flow = await s.server.api('/api/flows', {
      body: {
        name: 'Keeps its failures',
        nodes: [{ id: 'in', type: 'inject', params: { payload: 1 }, position: { x: 0, y: 0 } }],
        edges: [],
      },
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    flowId = flow.body.id;
  });
  after(async () => {
    await closeSession(s);
  });

  it('sets how many failed and successful runs are kept, and refuses a bad value naming the field', async () => {
    const { page, errors } = s!;
    await page.goto(`${s!.server.url}/flows/${flowId}`);
    await page.waitForSelector('.react-flow__node[data-id="in"]');
    const failedRuns = page.locator('[data-testid="flow-settings"] input[name="flow.retention.failed.maxRuns"]');
    await failedRuns.waitFor();
    assert.equal(await failedRuns.getAttribute('placeholder'), '10000', 'the default is shown');
    await failedRuns.fill('50000');
    await page.fill('[data-testid="flow-settings"] input[name="flow.retention.succeeded.maxAgeDays"]', '7');
    await shot(page, 'retention-1-set');
    await page.click('[data-testid="btn-save"]');
    const saved = await waitForSettings(s!, (v) => v?.retention !== undefined);
    assert.deepEqual(saved.retention, { failed: { maxRuns: 50000 }, succeeded: { maxAgeDays: 7 } });

    await failedRuns.fill('0');
    await page.click('[data-testid="btn-save"]');
    const banner = page.locator('[data-testid="flow-settings"] [role="alert"]');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /settings\.retention\.failed\.maxRuns/);
    await shot(page, 'retention-2-refused');
    assert.deepEqual((await s!.server.api(`/api/flows/${flowId}`)).body.settings.retention, saved.retention, 'nothing saved');

    // emptied: the server's default again, and the key leaves the document
    await failedRuns.fill('');
    await page.fill('[data-testid="flow-settings"] input[name="flow.retention.succeeded.maxAgeDays"]', '');
    await page.click('[data-testid="btn-save"]');
    const cleared = await waitForSettings(s!, (v) => v?.retention === undefined);
    assert.equal(cleared.retention, undefined);
    assert.deepEqual(errors.filter((e) => !/\b400\b/.test(e)), [], 'no other errors in the browser console');
  });

  async function waitForSettings(session: Session, done: (v: { retention?: unknown } | undefined) => boolean): Promise<{ retention?: unknown }> {
    for (let i = 0; i < 100; i++) {
      const v = (await session.server.api(`/api/flows/${flowId}`)).body.settings as { retention?: unknown } | undefined;
      if (done(v)) return v ?? {};
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the flow settings were not saved');
  }
});
