/** issue 7 item 12: failed runs appear on the server console at warn level, throttled per flow. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLog } from './failure-log.ts';
import { createLogger } from '../log.ts';
import { startTestServer, waitFor } from '../server.test-support.ts';
import type { RunRecord } from '../../core/flow-types.ts';

type Line = { level: string; msg: string; [k: string]: unknown };

test('a failed run is logged at warn with its flow, run, trigger and error', { timeout: 60_000 }, async () => {
  const lines: Line[] = [];
  const s = await startTestServer({ log: createLogger({ level: 'warn', write: (l) => lines.push(JSON.parse(l) as Line) }) });
  try {
    const flow = await s.api('/api/flows', {
      body: {
        name: 'fails',
        nodes: [
          { id: 'in', type: 'inject', params: { payload: 1 } },
          { id: 'boom', type: 'script', params: { code: "throw new Error('order 17 has no customer');" } },
        ],
        edges: [{ source: 'in', target: 'boom' }],
      },
    });
    await s.api(`/api/flows/${flow.body.id}/start`, { method: 'POST' });
    const fired = await s.api(`/api/flows/${flow.body.id}/trigger`, { body: {} });
    await waitFor(async () => lines.filter((l) => l.msg === 'run failed'), (l) => l.length > 0, 15_000, 'the warn line');
    const line = lines.find((l) => l.msg === 'run failed')!;
    assert.equal(line.level, 'warn');
    assert.equal(line['flowId'], flow.body.id);
    assert.equal(line['runId'], fired.body.runId);
    assert.equal(line['trigger'], 'in');
    assert.match(String(line['error']), /order 17 has no customer/);
  } finally {
    await s.destroy();
  }
});

test('at stream rate: the first failure, then one line per interval counting the rest', () => {
  const lines: Line[] = [];
  let now = 0;
  const log = new FailureLog(createLogger({ level: 'warn', write: (l) => lines.push(JSON.parse(l) as Line) }), 10_000, () => now);
  const run = (i: number): RunRecord => ({ id: `r${i}`, flowId: 'f', flowVersion: 1, trigger: { nodeId: 'k', type: 'kafka-in' }, status: 'failed', startedAt: '', error: `bad ${i}` });
  for (let i = 0; i < 1000; i++) {
    log.runFailed(run(i));
    now += 25; // 40 failures a second for 25 s
  }
  assert.deepEqual(lines.map((l) => [l['runId'], l['failuresSinceLastLine']]), [['r0', undefined], ['r400', 400], ['r800', 400]]);
});
