/**
 * Saving a running flow puts it into effect, as a user sees it: the toolbar says `v1 · running`;
 * while MQTT messages stream in, the user changes the log line, deletes a node and saves; the
 * toolbar says `v2 · running`, every message made exactly one run, the runs after the switch ran
 * v2 (new log line, without the deleted node). A save whose broker is down says
 * `v3 saved · v2 running` and why, and v2 goes on.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort } from '../connectors/http/http.test-support.ts';
import { BROKER_URL, plainClient, uniqueTopic } from '../connectors/mqtt/mqtt.test-support.ts';
import { waitFor } from '../server/server.test-support.ts';
import { closeSession, openSession, shot, type Session } from './harness.ts';

const TOTAL = 120;

interface RunRow { id: string; flowVersion: number; status: string }

describe('saving a running flow', () => {
  let s: Session | undefined;
  let flowId = '';
  let downId = '';
  const topic = uniqueTopic('e2e-deploy');

  before(async () => {
    s = await openSession();
    const conn = await s.server.api('/api/connections', { body: { name: 'Plant broker', type: 'mqtt', params: { url: BROKER_URL } } });
    assert.equal(conn.status, 201, JSON.stringify(conn.body));
    const port = await closedPort();
    const down = await s.server.api('/api/connections', { body: { name: 'Broker that is down', type: 'mqtt', params: { url: `mqtt://127.0.0.1:${port}`, timeoutMs: 800 } } });
    assert.equal(down.status, 201, JSON.stringify(down.body));
    downId = down.body.id;
    const flow = await s.server.api('/api/flows', {
      body: {
        name: 'Temperatures',
        nodes: [
          { id: 'in', type: 'mqtt-in', params: { connection: conn.body.id, topic, qos: 1 }, position: { x: 0, y: 0 } },
          { id: 'note', type: 'log', params: { message: 'v1 reading ${payload.n}' }, position: { x: 280, y: 0 } },
          { id: 'extra', type: 'log', params: { message: 'also ${payload.n}' }, position: { x: 560, y: 0 } },
        ],
        edges: [{ source: 'in', target: 'note' }, { source: 'note', target: 'extra' }],
      },
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    flowId = flow.body.id;
    assert.equal((await s.server.api(`/api/flows/${flowId}/start`, { method: 'POST' })).status, 200);
  });
  after(async () => {
    await closeSession(s);
  });

  it('edit, save: the toolbar shows v2 running and the stream goes on through v2, no message lost', async () => {
    const { page, server, errors } = s!;
    await page.goto(`${server.url}/flows/${flowId}`);
    await page.waitForSelector('.react-flow__node[data-id="extra"]');
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v1 · running")');

    const publisher = await plainClient();
    let sent = 0;
    const publishing = (async () => {
      while (sent < TOTAL) {
        sent++;
        await publisher.publishAsync(topic, JSON.stringify({ n: sent }), { qos: 1 });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    await page.click('[data-testid="node-note"]');
    await page.fill('[name="params.message"]', 'v2 reading ${payload.n}');
    await page.click('[data-testid="node-extra"]');
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 2);
    await page.click('[data-testid="btn-save"]');
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v2 · running")');
    await page.waitForSelector('[data-testid="toast-ok"]:has-text("version 2 is running")');
    const switchedAt = sent;
    assert.ok(switchedAt < TOTAL, `saved while the stream ran (at message ${switchedAt} of ${TOTAL})`);
    await shot(page, '60-deploy-v2-running');

    await publishing;
    await publisher.endAsync();
    const runs = await waitFor(
      async () => (await server.api(`/api/runs?flowId=${flowId}&limit=1000`)).body as RunRow[],
      (r) => r.length >= TOTAL && r.every((x) => x.status !== 'running'),
      20_000,
      `${TOTAL} runs`,
    );
    assert.equal(runs.length, TOTAL, 'one run per message: none lost, none twice');
    assert.ok(runs.every((r) => r.status === 'succeeded'));
    const v1 = runs.filter((r) => r.flowVersion === 1).length;
    const v2 = runs.filter((r) => r.flowVersion === 2).length;
    assert.equal(v1 + v2, TOTAL);
    assert.ok(v2 >= TOTAL - switchedAt, `every message after the save ran v2 (v1 ${v1}, v2 ${v2}, saved at ${switchedAt})`);
    // what a v2 run did: the new log line, and the deleted node not at all
    const newest = await server.api(`/api/runs/${runs[0]!.id}`);
    const steps = newest.body.steps as { nodeId: string }[];
    assert.deepEqual(steps.map((st) => st.nodeId), ['in', 'note']);
    assert.match(JSON.stringify(steps[1]), /v2 reading \d+/);
    assert.deepEqual(errors, [], 'no errors in the browser console');
    console.log(`# ${TOTAL} messages: ${v1} runs on v1, ${v2} on v2; saved after message ${switchedAt}`);
  });

  it('a version that cannot start: v3 saved · v2 running, and why', async () => {
    const { page, server, errors } = s!;
    await page.click('[data-testid="node-in"]');
    await page.selectOption('select[name="params.connection"]', downId);
    await page.click('[data-testid="btn-save"]');
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v3 saved · v2 running")', { timeout: 15_000 });
    const why = page.locator('[data-testid="replace-error"]');
    await why.waitFor();
    assert.match((await why.textContent()) ?? '', /could not start/);
    await page.waitForSelector('[data-testid="toast-error"]:has-text("version 2 keeps running")');
    await shot(page, '61-deploy-v3-refused');
    const view = await server.api(`/api/flows/${flowId}`);
    assert.equal(view.body.runningVersion, 2);
    assert.equal(view.body.replacement.version, 3);

    // the flow list says it too
    await page.click('a:has-text("← Flows")');
    const row = page.locator('[data-testid="flow-table"] tr', { hasText: 'Temperatures' });
    await row.waitFor();
    assert.equal(await row.locator('[data-testid="running-version"]').textContent(), 'v2 running');
    await shot(page, '62-deploy-list');
    assert.deepEqual(errors, [], 'no errors in the browser console');
  });
});
