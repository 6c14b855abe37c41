/**
 * A flow that cannot start says why where the user is looking: next to its state badge in the
 * editor's toolbar and in the flow list, not only in a toast that fades or in the server log.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort } from '../connectors/http/http.test-support.ts';
import { closeSession, openSession, shot, type Session } from './harness.ts';


describe('flow state errors', () => {
  let s: Session | undefined;
  let flowId = '';
  let port = 0;

  before(async () => {
    s = await openSession();
    port = await closedPort();
    const conn = await s.server.api('/api/connections', { body: { name: 'Broker that is down', type: 'mqtt', params: { url: `mqtt://127.0.0.1:${port}`, timeoutMs: 800 } } });
    assert.equal(conn.status, 201, JSON.stringify(conn.body));
    const flow = await s.server.api('/api/flows', {
      body: {
        name: 'Listens to a broker that is down',
        nodes: [
          { id: 'in', type: 'mqtt-in', params: { connection: conn.body.id, topic: 'plant/+/temp' }, position: { x: 0, y: 0 } },
          { id: 'note', type: 'log', params: { message: '${payload}' }, position: { x: 260, y: 0 } },
        ],
        edges: [{ source: 'in', target: 'note' }],
      },
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    flowId = flow.body.id;
  });
  after(async () => {
    await closeSession(s);
  });

  it('shows why the start failed next to the badge, and in the flow list', async () => {
    const { page, errors } = s!;
    await page.goto(`${s!.server.url}/flows/${flowId}`);
    await page.waitForSelector('.react-flow__node[data-id="in"]');
    await page.click('[data-testid="btn-start"]');
    await page.waitForSelector('[data-testid="state-badge"]:has-text("error")', { timeout: 15_000 });
    const reason = page.locator('.toolbar [data-testid="state-error"]');
    await reason.waitFor();
    const text = (await reason.textContent()) ?? '';
    assert.match(text, new RegExp(`127\\.0\\.0\\.1:${port}`), text);
    assert.ok(await reason.isVisible());
    await shot(page, '50-flow-start-error');

    await page.click('a:has-text("← Flows")');
    const row = page.locator('[data-testid="flow-table"] tr', { hasText: 'Listens to a broker that is down' });
    await row.waitFor();
    assert.match((await row.locator('[data-testid="state-error"]').textContent()) ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`));
    await shot(page, '51-flow-list-error');
    assert.deepEqual(errors.filter((e) => !/\b(400|401|403|404|409|500|502)\b/.test(e)), [], 'no other errors in the browser console');
  });
});
