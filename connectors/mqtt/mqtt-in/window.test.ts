// The in-flight window of mqtt-in: bounded runs at once, a bounded queue, drops counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FiredRun, RunOutcome } from '../../../server/engine/node-api.ts';
import { RunWindow } from './window.ts';

test('at most maxInFlight runs at once; the queue takes the rest up to its limit; one more is dropped and counted', async () => {
  const ends: ((o: RunOutcome) => void)[] = [];
  const started: number[] = [];
  const told: string[] = [];
  const w = new RunWindow<number>(2, 3, (n) => {
    started.push(n);
    return { runId: `r${n}`, done: new Promise<RunOutcome>((resolve) => ends.push(resolve)) } satisfies FiredRun;
  }, (what) => told.push(what));
  for (let i = 0; i < 6; i++) w.offer(i);
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual({ ...w.counts }, { received: 6, started: 2, failed: 0, dropped: 1, queued: 3, inFlight: 2 });
  assert.deepEqual(told, ['dropped']);
  ends[0]!({ runId: 'r0', status: 'failed', error: 'x' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  assert.equal(w.counts.failed, 1);
  for (let i = 1; i < 5; i++) {
    ends[i]!({ runId: `r${i}`, status: 'succeeded' });
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.deepEqual({ ...w.counts }, { received: 6, started: 5, failed: 1, dropped: 1, queued: 0, inFlight: 0 });
});
