/**
 * The canvas end to end: build inject → set → log by clicking the palette and dragging wires,
 * fill params with an expression, save, start, trigger, watch the nodes light up and read the
 * resolved value in the debug panel; then a bad param is refused with the server's message
 * next to the field.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { closeSession, openSession, shot, SHOTS_DIR, wire, type Session } from './harness.ts';

async function addNode(page: Page, type: string): Promise<string> {
  const before = await page.locator('.react-flow__node').count();
  await page.click(`[data-testid="palette-${type}"]`);
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n + 1, before);
  const id = (await page.textContent('[data-testid="inspector-node-id"]')) ?? '';
  assert.match(id, /^\d{6}$/, 'new nodes get a 6-digit id');
  return id;
}

describe('flow editor', () => {
  let s: Session | undefined;
  let flowId = '';
  const ids = { inject: '', set: '', log: '' };

  before(async () => {
    s = await openSession();
  });
  after(async () => {
    await closeSession(s);
  });

  it('builds inject → set → log on the canvas and saves version 1', async () => {
    const { page } = s!;
    await page.click('text=+ New flow');
    await page.waitForSelector('[data-testid="palette-inject"]');
    await page.fill('input[name="flow-name"]', 'E2E canvas flow');

    ids.inject = await addNode(page, 'inject');
    await page.fill('textarea[name="params.payload"]', '{"x": 42}');

    ids.set = await addNode(page, 'set');
    await page.click('[data-testid="params.fields-add"]');
    await page.fill('input[name="params.fields.key.0"]', 'payload.y');
    await page.fill('input[name="params.fields.value.0"]', `\${${ids.inject}|payload.x}`);

    ids.log = await addNode(page, 'log');
    await page.fill('input[name="params.message"]', 'resolved y=${payload.y}');
    assert.equal(new Set(Object.values(ids)).size, 3, 'ids are unique in the flow');

    await wire(page, { node: ids.inject }, { node: ids.set });
    await wire(page, { node: ids.set }, { node: ids.log });
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 2);
    await shot(page, '01-canvas-built');

    await page.click('[data-testid="btn-save"]');
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v1")');
    await page.waitForURL(/\/flows\/f_/);
    flowId = new URL(page.url()).pathname.split('/').pop() ?? '';

    const saved = await s!.server.api(`/api/flows/${flowId}`);
    assert.equal(saved.status, 200);
    assert.equal(saved.body.version, 1);
    assert.equal(saved.body.nodes.length, 3);
    assert.deepEqual(
      saved.body.edges.map((e: { source: string; target: string }) => `${e.source}->${e.target}`).sort(),
      [`${ids.inject}->${ids.set}`, `${ids.set}->${ids.log}`].sort(),
    );
    const setNode = saved.body.nodes.find((n: { id: string }) => n.id === ids.set);
    assert.deepEqual(setNode.params, { fields: { 'payload.y': `\${${ids.inject}|payload.x}` } });
  });

  it('starts, triggers, lights the nodes up and shows the run in the debug panel', async () => {
    const { page } = s!;
    await page.click('[data-testid="btn-start"]');
    await page.waitForSelector('[data-testid="state-badge"]:has-text("running")');
    await page.waitForSelector('.live-dot.on');

    await page.click('[data-testid="btn-trigger"]');
    for (const id of Object.values(ids)) await page.waitForSelector(`[data-testid="node-${id}"][data-run-state="succeeded"]`);
    await page.waitForSelector('[data-testid="run-row"][data-status="succeeded"]');
    const logs = page.locator(`[data-testid="step"][data-node="${ids.log}"] [data-testid="step-logs"]`);
    await logs.waitFor();
    assert.match((await logs.textContent()) ?? '', /resolved y=42/);
    const output = page.locator(`[data-testid="step"][data-node="${ids.set}"] details:has(summary:has-text("output"))`);
    await output.locator('summary').click();
    assert.match((await output.locator('pre').textContent()) ?? '', /"y": 42/);
    await shot(page, '02-run-traced');

    // a payload given in the trigger menu replaces the inject's own
    await page.click('[data-testid="btn-trigger-menu"]');
    await page.fill('textarea[name="trigger-payload"]', '{"x": 7}');
    await page.click('[data-testid="btn-fire"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"][data-status="succeeded"]').length === 2);
    await page.waitForSelector(`[data-testid="step"][data-node="${ids.log}"] [data-testid="step-logs"]:has-text("resolved y=7")`);

    // "Run again" on the run shown fires its trigger again with that run's payload
    await page.click('[data-testid="btn-run-again"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"][data-status="succeeded"]').length === 3);
    const runs = await s!.server.api(`/api/runs?flowId=${flowId}`);
    assert.equal(runs.body.length, 3);
    const again = await s!.server.api(`/api/runs/${runs.body[0].id}`);
    assert.equal(again.body.trigger.nodeId, ids.inject);
    assert.deepEqual(again.body.steps[0].output.payload, { x: 7 });
  });

  it('shows a refused param next to its field and on the node, and saves nothing', async () => {
    const { page, server } = s!;
    const timerId = await addNode(page, 'timer');
    await page.fill('input[name="params.interval"]', '0');
    await page.click('[data-testid="btn-save"]');
    const fieldError = page.locator('[data-field="interval"] [data-testid="field-error-interval"]');
    await fieldError.waitFor();
    assert.match((await fieldError.textContent()) ?? '', />= 1/);
    await page.waitForSelector(`[data-testid="node-${timerId}"].invalid`);
    await page.waitForSelector('[data-testid="toast-error"]:has-text("Not saved")');
    assert.equal(await page.textContent('[data-testid="flow-version"]'), 'v1 · running', 'still version 1 (and it runs)');
    const stored = await server.api(`/api/flows/${flowId}`);
    assert.equal(stored.body.version, 1, 'nothing was saved');
    assert.equal(stored.body.nodes.length, 3);
    await shot(page, '03-invalid-param');

    // fixing the field clears the complaint; Del removes the node again
    await page.fill('input[name="params.interval"]', '5');
    assert.equal(await page.locator('[data-testid="field-error-interval"]').count(), 0);
    await page.click(`[data-testid="node-${timerId}"]`);
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 3);
  });

  let exported = '';
  it('exports the saved flow as a file', async () => {
    const { page } = s!;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="btn-export"]')]);
    assert.match(download.suggestedFilename(), /\.tributary\.json$/);
    exported = `${SHOTS_DIR}/exported-flow.json`;
    await download.saveAs(exported);
    const file = JSON.parse(readFileSync(exported, 'utf8'));
    assert.equal(file.flow.nodes.length, 3);
  });

  it('asks before leaving unsaved changes, lists the flow, and imports the exported file', async () => {
    const { page, errors } = s!;
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.click('a.nav-link:has-text("Flows")');
    const row = page.locator('[data-testid="flow-table"] tr', { hasText: 'E2E canvas flow' });
    await row.waitFor();
    assert.match(asked, /unsaved changes/);
    assert.match((await row.textContent()) ?? '', /running/);
    assert.match((await row.textContent()) ?? '', /v1/);
    await shot(page, '04-flow-list');

    await page.setInputFiles('[data-testid="import-input"]', exported);
    await page.waitForURL((url) => url.pathname.startsWith('/flows/f_') && !url.pathname.endsWith(flowId));
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 3);
    await page.click('a.nav-link:has-text("Flows")');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="flow-table"] tbody tr').length === 2);
    assert.deepEqual(errors, [], 'no errors in the browser console');
  });

  it('shows a stored http-in token as write-only: kept on save, replaced when typed', async () => {
    const { page, server, errors } = s!;
    const path = `e2e-secret-${process.pid}`;
    const first = `tok-first-${process.pid}`;
    const created = await server.api('/api/flows', {
      body: { name: 'E2E secret', nodes: [{ id: '700001', type: 'http-in', params: { method: 'POST', path, auth: 'bearer', token: first }, position: { x: 80, y: 80 } }], edges: [] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    const call = (token: string) => fetch(`${server.url}/hooks/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await page.goto(`${server.url}/flows/${id}`);
    await page.click('[data-testid="node-700001"]');
    const box = page.locator('input[name="params.token"]');
    assert.equal(await box.inputValue(), '', 'the token is never in the page');
    assert.match((await box.getAttribute('placeholder')) ?? '', /stored/);
    assert.equal(await box.getAttribute('type'), 'password');

    await page.fill('input[name="flow-name"]', 'E2E secret kept');
    await page.click('[data-testid="btn-save"]');
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v2")');
    await server.api(`/api/flows/${id}/start`, { method: 'POST' });
    assert.equal((await call(first)).status, 200, 'saving without touching it kept the token');

    const second = `tok-second-${process.pid}`;
    await box.fill(second);
    await page.click('[data-testid="btn-save"]');
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v3")');
    await server.api(`/api/flows/${id}/start`, { method: 'POST' });
    assert.equal((await call(first)).status, 401);
    assert.equal((await call(second)).status, 200, 'the typed token replaced it');
    await server.api(`/api/flows/${id}/stop`, { method: 'POST' });
    assert.deepEqual(errors, [], 'no errors in the browser console');
  });
});
