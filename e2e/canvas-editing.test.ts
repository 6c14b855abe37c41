/**
 * Canvas table stakes as a user meets them: delete a node, Ctrl+Z brings it back and
 * Ctrl+Shift+Z removes it again; a param edit is undone with the toolbar button; three wired
 * nodes copied and pasted come back wired with their expressions pointing at the copies (read
 * back from the saved flow); a flow JSON pasted from elsewhere adds its nodes; Ctrl+A, Shift-click,
 * Ctrl+D, Ctrl+F and `?`; and no shortcut fires while the user types into a field.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { closeSession, openSession, shot, wire, type Session } from './harness.ts';

interface SavedNode { id: string; type: string; params: Record<string, unknown>; position: { x: number; y: number } }
interface SavedEdge { source: string; target: string }

const nodeCount = (page: Page) => page.locator('.react-flow__node').count();
const waitCounts = (page: Page, nodes: number, edges: number) =>
  page.waitForFunction(([n, e]) => document.querySelectorAll('.react-flow__node').length === n && document.querySelectorAll('.react-flow__edge').length === e, [nodes, edges] as const);
/** presses a key and waits for the canvas to show that many nodes and wires */
async function press(page: Page, key: string, nodes: number, edges: number): Promise<void> {
  await page.keyboard.press(key);
  await waitCounts(page, nodes, edges);
}
const selectedIds = (page: Page) => page.$$eval('.react-flow__node.selected', (els) => els.map((el) => el.getAttribute('data-id')).sort());

/** a click on an empty part of the canvas: selection cleared, keys go to the canvas */
async function clickPane(page: Page): Promise<void> {
  const box = (await page.locator('.react-flow__pane').boundingBox())!;
  await page.mouse.click(box.x + box.width - 60, box.y + box.height - 140);
}

describe('canvas editing: undo, clipboard, selection, find, shortcuts', () => {
  let s: Session | undefined;
  let flowId = '';
  const suffix = `${process.pid}-${Date.now() % 100000}`;

  before(async () => {
    s = await openSession();
    const created = await s.server.api('/api/flows', {
      body: {
        name: `E2E canvas editing ${suffix}`,
        nodes: [
          { id: '100001', type: 'inject', name: 'Order in', params: { payload: { x: 42 } }, position: { x: 80, y: 120 } },
          { id: '100002', type: 'set', name: 'Add y', params: { fields: { 'payload.y': '${100001|payload.x}' } }, position: { x: 340, y: 120 } },
          { id: '100003', type: 'log', name: 'Audit', params: { message: 'y=${100002|payload.y}' }, position: { x: 600, y: 120 } },
        ],
        edges: [{ source: '100001', target: '100002' }, { source: '100002', target: '100003' }],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    flowId = created.body.id as string;
    await s.page.goto(`${s.server.url}/flows/${flowId}`);
    await waitCounts(s.page, 3, 2);
  });
  after(async () => {
    await closeSession(s);
  });

  it('deletes a node, Ctrl+Z brings it back with its wires, Ctrl+Shift+Z removes it again, Ctrl+Y too', async () => {
    const { page } = s!;
    assert.equal(await page.locator('[data-testid="btn-undo"]').isDisabled(), true, 'nothing to undo yet');
    await page.click('[data-testid="node-100002"]');
    await press(page, 'Delete', 2, 0);
    await shot(page, 'canvas-01-deleted');
    await page.waitForSelector('.toolbar .dirty');
    await press(page, 'Control+z', 3, 2);
    assert.equal(await page.locator('.toolbar .dirty').count(), 0, 'back at the saved flow: nothing unsaved');
    await shot(page, 'canvas-02-undone');
    await press(page, 'Control+Shift+z', 2, 0);
    await press(page, 'Control+z', 3, 2);
    await press(page, 'Control+y', 2, 0);
    await page.click('[data-testid="btn-undo"]');
    await waitCounts(page, 3, 2);
    assert.equal(await page.locator('[data-testid="btn-redo"]').isDisabled(), false);
  });

  it('undoes a param edit: the field shows the old value again, redo the new one', async () => {
    const { page } = s!;
    await page.click('[data-testid="node-100003"]');
    const field = page.locator('input[name="params.message"]');
    assert.equal(await field.inputValue(), 'y=${100002|payload.y}');
    await field.fill('changed ${payload}');
    await clickPane(page);
    await page.click('[data-testid="node-100003"]');
    assert.equal(await field.inputValue(), 'changed ${payload}');
    await page.click('[data-testid="btn-undo"]');
    await page.waitForFunction(() => (document.querySelector('input[name="params.message"]') as HTMLInputElement).value === 'y=${100002|payload.y}');
    await page.click('[data-testid="btn-redo"]');
    await page.waitForFunction(() => (document.querySelector('input[name="params.message"]') as HTMLInputElement).value === 'changed ${payload}');
    // the typing went into one step: one undo goes back to the value before it
    await page.click('[data-testid="btn-undo"]');
    await page.waitForFunction(() => (document.querySelector('input[name="params.message"]') as HTMLInputElement).value === 'y=${100002|payload.y}');
    await shot(page, 'canvas-03-param-undone');
  });

  it('a drag is one undo step, and so is a word typed into a field', async () => {
    const { page } = s!;
    await clickPane(page);
    const card = page.locator('[data-testid="node-100001"]');
    const start = (await card.boundingBox())!;
    await page.mouse.move(start.x + 60, start.y + 12);
    await page.mouse.down();
    await page.mouse.move(start.x + 120, start.y + 80, { steps: 8 });
    await page.mouse.move(start.x + 160, start.y + 140, { steps: 8 });
    await page.mouse.up();
    const moved = (await card.boundingBox())!;
    assert.ok(moved.y - start.y > 100, 'the node moved');
    await page.click('[data-testid="btn-undo"]');
    await page.waitForFunction(([y]) => Math.abs(document.querySelector('[data-testid="node-100001"]')!.getBoundingClientRect().y - y) < 2, [start.y] as const);

    await page.click('[data-testid="node-100003"]');
    const name = page.locator('input[name="node.name"]');
    await name.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' trail', { delay: 30 });
    assert.equal(await name.inputValue(), 'Audit trail');
    await page.click('[data-testid="btn-undo"]');
    await page.waitForFunction(() => (document.querySelector('input[name="node.name"]') as HTMLInputElement).value === 'Audit');
  });

  it('a new wire is undone and redone', async () => {
    const { page } = s!;
    await clickPane(page);
    await wire(page, { node: '100001' }, { node: '100003' });
    await waitCounts(page, 3, 3);
    await press(page, 'Control+z', 3, 2);
    await press(page, 'Control+y', 3, 3);
    await press(page, 'Control+z', 3, 2);
  });

  it('keeps the keys in a field the user types into: Backspace and Ctrl+A stay there', async () => {
    const { page } = s!;
    await page.click('[data-testid="node-100003"]');
    const name = page.locator('input[name="node.name"]');
    await name.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Control+a');
    assert.equal(await nodeCount(page), 3, 'Backspace in a field does not delete the node');
    assert.deepEqual(await selectedIds(page), ['100003'], 'Ctrl+A in a field does not select the nodes');
    assert.equal(await name.inputValue(), 'Audi');
    await name.fill('Audit');
  });

  it('Shift-click adds to the selection; Ctrl+A selects every node', async () => {
    const { page } = s!;
    await clickPane(page);
    await page.click('[data-testid="node-100001"]');
    await page.click('[data-testid="node-100003"]', { modifiers: ['Shift'] });
    assert.deepEqual(await selectedIds(page), ['100001', '100003']);
    await clickPane(page);
    await page.keyboard.press('Control+a');
    assert.deepEqual(await selectedIds(page), ['100001', '100002', '100003']);
  });

  it('copies three wired nodes and pastes them: the copies are wired and their expressions point at the copies', async () => {
    const { page, server } = s!;
    await page.keyboard.press('Control+c');
    await press(page, 'Control+v', 6, 4);
    const pasted = (await selectedIds(page)) as string[];
    assert.equal(pasted.length, 3, 'the pasted copies are the selection');
    assert.ok(pasted.every((id) => /^\d{6}$/.test(id) && !['100001', '100002', '100003'].includes(id)));
    await shot(page, 'canvas-04-pasted');

    await page.click('[data-testid="btn-save"]');
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v2")');
    const saved = await server.api(`/api/flows/${flowId}`);
    const nodes = saved.body.nodes as SavedNode[];
    const edges = saved.body.edges as SavedEdge[];
    assert.equal(nodes.length, 6);
    const copy = (type: string) => nodes.find((n) => n.type === type && pasted.includes(n.id))!;
    const original = (id: string) => nodes.find((n) => n.id === id)!;
    const [inj, set, log] = [copy('inject'), copy('set'), copy('log')];
    assert.deepEqual(edges.map((e) => `${e.source}->${e.target}`).sort(), ['100001->100002', '100002->100003', `${inj.id}->${set.id}`, `${set.id}->${log.id}`].sort());
    assert.deepEqual(set.params, { fields: { 'payload.y': `\${${inj.id}|payload.x}` } });
    assert.equal(log.params['message'], `y=\${${set.id}|payload.y}`);
    assert.deepEqual(original('100002').params, { fields: { 'payload.y': '${100001|payload.x}' } }, 'the originals are untouched');
    assert.deepEqual(inj.position, { x: original('100001').position.x + 40, y: original('100001').position.y + 40 }, 'pasted next to the originals');

    // the copies run: their expressions read each other's output
    await page.click('[data-testid="btn-start"]');
    await page.waitForSelector('[data-testid="state-badge"]:has-text("running")');
    const run = await server.api(`/api/flows/${flowId}/trigger`, { method: 'POST', body: { nodeId: inj.id } });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    let detail: { status: string; steps: { nodeId: string; output?: { payload?: { y?: number } } }[] } | undefined;
    for (let i = 0; i < 50 && detail?.status !== 'succeeded'; i++) {
      await page.waitForTimeout(100);
      detail = (await server.api(`/api/runs/${run.body.runId}`)).body;
    }
    assert.equal(detail?.status, 'succeeded');
    assert.equal(detail?.steps.find((st) => st.nodeId === set.id)?.output?.payload?.y, 42);
    await page.click('[data-testid="btn-stop"]');
  });

  it('cuts and duplicates: Ctrl+X removes the selection, Ctrl+V puts it back, Ctrl+D copies it in place', async () => {
    const { page } = s!;
    await clickPane(page);
    // its copy lies over it, 40 px down and right: take the original by its top-left corner
    await page.click('[data-testid="node-100003"]', { position: { x: 8, y: 8 } });
    assert.deepEqual(await selectedIds(page), ['100003']);
    await press(page, 'Control+x', 5, 3);
    await press(page, 'Control+v', 6, 3);
    await press(page, 'Control+d', 7, 3);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await press(page, 'Control+z', 6, 4);
    assert.equal(await page.locator('[data-testid="node-100003"]').count(), 1, 'undoing the cut brings the original back');
  });

  it('pastes a flow JSON copied from elsewhere: its nodes are added with new ids, in view', async () => {
    const { page } = s!;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const text = JSON.stringify({ name: 'from a file', nodes: [{ id: 'a', type: 'inject', params: {} }, { id: 'b', type: 'log', params: { message: '${a|payload}' } }], edges: [{ source: 'a', target: 'b' }] });
    await clickPane(page);
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await press(page, 'Control+v', 8, 5);
    const pasted = (await selectedIds(page)) as string[];
    await shot(page, 'canvas-05-pasted-json');
    assert.equal(pasted.length, 2);
    for (const id of pasted) assert.ok(await page.locator(`[data-testid="node-${id}"]`).isVisible());
    const logId = (await page.locator('.react-flow__node.selected:has-text("Log")').getAttribute('data-id'))!;
    await clickPane(page);
    await page.click(`[data-testid="node-${logId}"]`);
    await page.waitForSelector(`[data-testid="inspector-node-id"]:has-text("${logId}")`);
    const message = await page.locator('input[name="params.message"]').inputValue();
    assert.match(message, /^\$\{\d{6}\|payload\}$/);
    assert.ok(pasted.includes(message.slice(2, 8)), 'the reference follows the pasted node');

    // text that is not a flow is refused with a message and adds nothing
    await clickPane(page);
    await page.evaluate(() => navigator.clipboard.writeText('{"nodes":[{"id":"x"}]}'));
    await page.keyboard.press('Control+v');
    await page.waitForSelector('[data-testid="toast-error"]:has-text("nodes[0].type")');
    assert.equal(await nodeCount(page), 8);
  });

  it('Ctrl+F finds a node by label, id or type and centres it', async () => {
    const { page } = s!;
    // move the view away so that centring is visible
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + 300, pane.y + 300);
    await page.mouse.down();
    await page.mouse.move(pane.x + 20, pane.y + 20, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.press('Control+f');
    const box = page.locator('input[name="find-node"]');
    await box.waitFor();
    await box.fill('audit');
    await page.waitForSelector('[data-testid="find-hit-100003"]');
    await shot(page, 'canvas-06-find');
    await box.fill('100003');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="find-node"]', { state: 'detached' });
    assert.equal(await page.textContent('[data-testid="inspector-node-id"]'), '100003');
    await page.waitForTimeout(400);
    const node = (await page.locator('[data-testid="node-100003"]').boundingBox())!;
    const canvas = (await page.locator('.react-flow__pane').boundingBox())!;
    assert.ok(Math.abs(node.x + node.width / 2 - (canvas.x + canvas.width / 2)) < 30, 'centred across');
    assert.ok(Math.abs(node.y + node.height / 2 - (canvas.y + canvas.height / 2)) < 30, 'centred down');
    await shot(page, 'canvas-07-found');

    // by type label
    await clickPane(page);
    await page.keyboard.press('Control+f');
    await box.fill('set fields');
    await page.waitForSelector('[data-testid="find-hit-100002"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="find-node"]', { state: 'detached' });
  });

  it('a copy of a node with a stored token asks for the token instead of carrying "***"', async () => {
    const { page, server } = s!;
    const created = await server.api('/api/flows', {
      body: { name: `E2E secret copy ${suffix}`, nodes: [{ id: '700001', type: 'http-in', params: { method: 'POST', path: `copy-${suffix}`, auth: 'bearer', token: 'tok-secret' }, position: { x: 80, y: 80 } }], edges: [] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    page.once('dialog', (d) => void d.accept());
    await page.goto(`${server.url}/flows/${created.body.id}`);
    await page.click('[data-testid="node-700001"]');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.waitForSelector('[data-testid="toast-info"]:has-text("Stored secrets are not copied")');
    const copy = (await selectedIds(page))[0]!;
    assert.notEqual(copy, '700001');
    await clickPane(page);
    await page.click(`[data-testid="node-${copy}"]`);
    const token = page.locator('input[name="params.token"]');
    assert.equal(await token.inputValue(), '');
    assert.doesNotMatch((await token.getAttribute('placeholder')) ?? '', /stored/, 'the copy has no stored token');
    await shot(page, 'canvas-09-secret-copy');
  });

  it('? shows the shortcuts; Escape closes them', async () => {
    const { page, errors } = s!;
    await clickPane(page);
    await page.keyboard.press('Shift+?');
    const dialog = page.locator('[data-testid="shortcuts-dialog"]');
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? '';
    for (const what of ['Undo', 'Redo', 'Copy', 'Paste', 'Duplicate', 'Select all', 'Find']) assert.match(text, new RegExp(what));
    await shot(page, 'canvas-08-shortcuts');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(errors, [], 'no errors in the browser console');
  });
});
