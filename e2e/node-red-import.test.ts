/**
 * Node-RED import from the flows page (issue 7 item 9): a refused import shows which broker
 * connection to create; an accepted one lists the created flows and every node not converted;
 * importing again asks to rename or replace.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSession, openSession, shot, type Session } from './harness.ts';
import { NODE_RED_EXPORT } from '../core/node-red/node-red.test-support.ts';

const file = { name: 'flows.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(NODE_RED_EXPORT)) };

describe('Node-RED import', () => {
  let s: Session | undefined;
  before(async () => {
    s = await openSession();
  });
  after(async () => {
    await closeSession(s);
  });

  it('names the missing broker connection, then imports and lists what was not converted', async () => {
    const { page, server, errors } = s!;
    await page.setInputFiles('[data-testid="node-red-input"]', file);
    const refused = page.locator('[role="dialog"][aria-label="Node-RED import refused"]');
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /create an mqtt connection named "Plant broker"/);
    await shot(page, 'node-red-01-refused');
    await refused.locator('button[aria-label="Close"]').click();

    const conn = await server.api('/api/connections', { body: { name: 'Plant broker', type: 'mqtt', environment: 'test', params: { url: 'mqtt://127.0.0.1:1883' } } });
    assert.equal(conn.status, 201);
    await page.setInputFiles('[data-testid="node-red-input"]', file);
    const result = page.locator('[role="dialog"][aria-label="Node-RED import"]');
    await result.waitFor();
    assert.deepEqual(await result.locator('[data-testid="node-red-created"] li').allTextContents(), ['Orders', 'Sensors']);
    const rows = await result.locator('[data-testid="node-red-skipped"] tbody tr').allTextContents();
    assert.equal(rows.length, 3);
    assert.ok(rows.some((r) => /Slow down.*delay.*no Tributary equivalent/.test(r)), rows.join(' | '));
    await shot(page, 'node-red-02-result');
    await result.locator('button[aria-label="Close"]').click();
    await page.locator('[data-testid="flow-table"] tbody tr', { hasText: 'Sensors' }).waitFor();
    assert.deepEqual(errors, []);
  });

  it('asks to rename or replace when the names are taken', async () => {
    const { page, server } = s!;
    await page.setInputFiles('[data-testid="node-red-input"]', file);
    const ask = page.locator('[role="dialog"][aria-label="Flow names already in use"]');
    await ask.waitFor();
    assert.match((await ask.textContent()) ?? '', /Orders, Sensors/);
    await shot(page, 'node-red-03-conflict');
    await ask.locator('button:has-text("Import as new names")').click();
    const result = page.locator('[role="dialog"][aria-label="Node-RED import"]');
    await result.waitFor();
    assert.deepEqual(await result.locator('[data-testid="node-red-created"] li').allTextContents(), ['Orders (2)', 'Sensors (2)']);
    const names = ((await server.api('/api/flows')).body as { name: string }[]).map((f) => f.name).sort();
    assert.deepEqual(names, ['Orders', 'Orders (2)', 'Sensors', 'Sensors (2)']);
  });
});
