/**
 * A viewer sees flows, runs, connections and templates but no control that the server would
 * refuse: no new/import/delete, no save/start/trigger, no palette, a disabled inspector, no
 * connection editing, no template wizard. An editor sees all of them (the other e2e tests).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { closeSession, openSession, shot, type Session } from './harness.ts';

describe('viewer (read-only role)', () => {
  let s: Session | undefined;
  let viewer: Page;
  let flowId = '';

  before(async () => {
    s = await openSession();
    const { server, browser } = s;
    const user = await server.api('/api/users', { body: { username: 'vera', password: 'viewer-pass-1', role: 'viewer' } });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const conn = await server.api('/api/connections', { body: { name: 'Maria for viewers', type: 'mysql', params: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } } });
    assert.equal(conn.status, 201, JSON.stringify(conn.body));
    const flow = await server.api('/api/flows', {
      body: {
        name: 'Viewer can read this',
        nodes: [
          { id: 'tick', type: 'inject', params: { payload: { n: 1 } }, position: { x: 0, y: 0 } },
          { id: 'plus', type: 'set', params: { fields: { 'payload.m': '${payload.n}' } }, position: { x: 260, y: 0 } },
        ],
        edges: [{ source: 'tick', target: 'plus' }],
      },
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    flowId = flow.body.id;
    viewer = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    viewer.setDefaultTimeout(10_000);
    await viewer.goto(server.url);
    await viewer.fill('input[name=username]', 'vera');
    await viewer.fill('input[name=password]', 'viewer-pass-1');
    await viewer.click('button[type=submit]');
    await viewer.waitForSelector('h1:has-text("Flows")');
  });
  after(async () => {
    await closeSession(s);
  });

  it('lists flows without new, import or delete', async () => {
    await viewer.locator('[data-testid="flow-table"] tr', { hasText: 'Viewer can read this' }).waitFor();
    assert.equal(await viewer.locator('[data-testid="read-only"]').count(), 1);
    for (const text of ['+ New flow', 'Import…', 'From template', 'Delete']) {
      assert.equal(await viewer.locator(`:is(a, button):has-text("${text}")`).count(), 0, `${text} is hidden`);
    }
    await shot(viewer, '40-viewer-flow-list');
  });

  it('opens a flow read-only: no palette, no save/start/trigger, inspector disabled, nodes stay put', async () => {
    await viewer.click(`a:has-text("Viewer can read this")`);
    await viewer.waitForSelector('.react-flow__node[data-id="plus"]');
    await viewer.waitForSelector('[data-testid="read-only"]');
    assert.equal(await viewer.locator('.palette').count(), 0);
    for (const id of ['btn-save', 'btn-start', 'btn-stop']) assert.equal(await viewer.locator(`[data-testid="${id}"]`).count(), 0, id);
    assert.equal(await viewer.locator('button:has-text("Trigger")').count(), 0);
    assert.equal(await viewer.locator('input[name="flow-name"]').getAttribute('readonly'), '');
    assert.equal(await viewer.locator('select[name="trace-mode"]').isDisabled(), true);

    const node = viewer.locator('.react-flow__node[data-id="plus"]');
    const before = await node.boundingBox();
    // the node's place in the flow (dragging a node that cannot move pans the view instead)
    const placeBefore = await node.evaluate((el) => (el as HTMLElement).style.transform);
    assert.match(placeBefore, /translate\(/);
    await node.click();
    await viewer.waitForSelector('.inspector fieldset[disabled]');
    const inputs = viewer.locator('.inspector input, .inspector textarea, .inspector select');
    assert.ok((await inputs.count()) > 0, 'the node\'s params are shown');
    for (let i = 0; i < (await inputs.count()); i++) assert.equal(await inputs.nth(i).isDisabled(), true);
    // dragging does not move it, Delete does not remove it, and nothing becomes unsaved
    await viewer.mouse.move(before!.x + 40, before!.y + 20);
    await viewer.mouse.down();
    await viewer.mouse.move(before!.x + 240, before!.y + 180, { steps: 6 });
    await viewer.mouse.up();
    await viewer.keyboard.press('Delete');
    assert.equal(await node.evaluate((el) => (el as HTMLElement).style.transform), placeBefore);
    assert.equal(await viewer.locator('.react-flow__node').count(), 2);
    assert.equal(await viewer.locator('text=● unsaved').count(), 0);
    await shot(viewer, '41-viewer-flow-read-only');
    const stored = await s!.server.api(`/api/flows/${flowId}`);
    assert.equal(stored.body.version, 1, 'nothing was saved');
  });

  it('sees connections and templates without edit, delete or wizard', async () => {
    await viewer.click('a.nav-link:has-text("Connections")');
    await viewer.locator('[data-testid="connection-row"]', { hasText: 'Maria for viewers' }).waitFor();
    assert.equal(await viewer.locator('[data-testid="btn-new-connection"]').count(), 0);
    assert.equal(await viewer.locator('[data-testid="connection-table"] button').count(), 0);
    await viewer.locator('[data-testid="connection-row"]', { hasText: 'Maria for viewers' }).click();
    assert.equal(await viewer.locator('[data-testid="connection-form"]').count(), 0, 'a row does not open the form');
    await shot(viewer, '42-viewer-connections');

    await viewer.click('a.nav-link:has-text("Templates")');
    await viewer.waitForSelector('.card');
    assert.equal(await viewer.locator('.card-cta').count(), 0);
    assert.equal(await viewer.locator('a.card').count(), 0);
    await shot(viewer, '43-viewer-templates');
  });
});
