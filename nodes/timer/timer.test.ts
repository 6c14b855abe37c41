import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timerNode, timerSpec, type TimerParams } from './spec.ts';
import { timerSchedule } from './schedule.ts';
import { timerRuntime } from './runtime.ts';
import { SchemaChecker } from '../../core/schema-check.ts';
import { testEngine } from '../../server/engine/engine.test-support.ts';
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import type { NodeSpec } from '../../core/node-spec.ts';

const checker = new SchemaChecker();
/** the next `n` firings after `from` (the flow started at `from`) */
const nextRuns = (params: Record<string, unknown>, from: string, n = 3): string[] => {
  const schedule = timerSchedule(checker.withDefaults(timerSpec.paramsSchema, params) as TimerParams, new Date(from));
  const out: string[] = [];
  for (let t: Date | undefined = new Date(from); out.length < n && (t = schedule.next(t)); ) out.push(t.toISOString());
  return out;
};

test('unit/interval/atSeconds give the ROMA Connect schedule', () => {
  assert.deepEqual(nextRuns({ unit: 'minute', interval: 1, atSeconds: [0], timezone: 'GMT' }, '2026-01-01T10:00:30Z'), [
    '2026-01-01T10:01:00.000Z', '2026-01-01T10:02:00.000Z', '2026-01-01T10:03:00.000Z',
  ]);
  assert.deepEqual(nextRuns({ unit: 'minute', interval: 1, atSeconds: [15, 45] }, '2026-01-01T10:00:30Z'), [
    '2026-01-01T10:00:45.000Z', '2026-01-01T10:01:15.000Z', '2026-01-01T10:01:45.000Z',
  ]);
  assert.deepEqual(nextRuns({ unit: 'second', interval: 10 }, '2026-01-01T10:00:01Z'), [
    '2026-01-01T10:00:10.000Z', '2026-01-01T10:00:20.000Z', '2026-01-01T10:00:30.000Z',
  ]);
  assert.deepEqual(nextRuns({ unit: 'hour', interval: 6, atSeconds: [5] }, '2026-01-01T01:00:00Z', 2), ['2026-01-01T06:00:05.000Z', '2026-01-01T12:00:05.000Z']);
  assert.deepEqual(nextRuns({ unit: 'day', interval: 1, atSeconds: [0] }, '2026-01-01T01:00:00Z', 2), ['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
  assert.deepEqual(nextRuns({ unit: 'month', interval: 1 }, '2026-01-15T00:00:00Z', 2), ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
});

test('IANA time zones shift the schedule; GMT is UTC', () => {
  // midnight in Shanghai is 16:00 UTC the day before
  assert.deepEqual(nextRuns({ unit: 'day', interval: 1, timezone: 'Asia/Shanghai' }, '2026-01-01T12:00:00Z', 1), ['2026-01-01T16:00:00.000Z']);
  assert.deepEqual(nextRuns({ unit: 'day', interval: 1, timezone: 'GMT' }, '2026-01-01T12:00:00Z', 1), ['2026-01-02T00:00:00.000Z']);
  assert.deepEqual(nextRuns({ cron: '0 9 * * 1', timezone: 'Europe/Paris' }, '2026-01-01T00:00:00Z', 1), ['2026-01-05T08:00:00.000Z']);
});

test('bad time zone, bad cron and bad interval are refused with the field named', () => {
  assert.deepEqual(timerNode.logic!.validate!({ timezone: 'Mars/Base' }).map((i) => i.path), ['timezone']);
  assert.deepEqual(timerNode.logic!.validate!({ cron: '* * *' }).map((i) => i.path), ['cron']);
  const issues = checker.check(timerSpec.paramsSchema, { interval: 0, atSeconds: [61] }, 'params');
  assert.ok(issues.some((i) => i.path === 'params.interval'));
  assert.ok(issues.some((i) => i.path === 'params.atSeconds[0]'));
});

/** A test-only node that takes `ms` to finish. */
const slowSpec: NodeSpec = { type: 'slow', category: 'function', label: 'slow', inputs: ['in'], outputs: ['out'], paramsSchema: { type: 'object' } };
const slowRuntime: NodeRuntime = { type: 'slow', create: () => ({ onMessage: async (msg, io) => { await new Promise((r) => setTimeout(r, 1500)); io.send(msg); } }) };

test('runImmediately fires at start; serial mode records skipped ticks; parallel overlaps', { timeout: 20_000 }, async () => {
  for (const taskMode of ['serial', 'parallel'] as const) {
    const { engine, store } = testEngine([timerSpec, slowSpec], [timerRuntime, slowRuntime]);
    await engine.start(`timer-${taskMode}`, 1, {
      name: 't',
      nodes: [
        { id: 't1', type: 'timer', params: { unit: 'second', interval: 1, taskMode, runImmediately: true } },
        { id: 's1', type: 'slow', params: {} },
      ],
      edges: [{ source: 't1', target: 's1' }],
    });
    await new Promise((r) => setTimeout(r, 3300));
    await engine.shutdown();
    const runs = [...store.runs.values()];
    const skipped = runs.filter((r) => r.status === 'skipped');
    const ran = runs.filter((r) => r.status !== 'skipped');
    assert.ok(ran.length >= 1, 'runImmediately fired');
    assert.ok(ran.every((r) => r.trigger.nodeId === 't1' && r.trigger.kind === 'schedule'));
    if (taskMode === 'serial') {
      assert.ok(skipped.length >= 1, `serial skipped a tick (runs: ${runs.map((r) => r.status).join(',')})`);
      assert.match(skipped[0]!.error!, /still running/);
      // never two runs at once
      const spans = ran.map((r) => [Date.parse(r.startedAt), Date.parse(r.endedAt ?? r.startedAt)] as const).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], 'serial runs do not overlap');
    } else {
      assert.equal(skipped.length, 0);
      assert.ok(ran.length >= 3, `parallel overlapped (${ran.length} runs)`);
    }
    const first = ran.sort((a, b) => a.startedAt.localeCompare(b.startedAt))[0]!;
    const fired = (first.steps[0]!.output as { payload: { firedAt: string } }).payload.firedAt;
    assert.ok(!Number.isNaN(Date.parse(fired)));
  }
});

test('anchor "start": a running timer fires every N units counted from when the flow started', { timeout: 20_000 }, async () => {
  const { engine, store } = testEngine([timerSpec], [timerRuntime]);
  const started = Date.now();
  await engine.start('timer-anchor', 1, { name: 't', nodes: [{ id: 't1', type: 'timer', params: { unit: 'second', interval: 3, anchor: 'start' } }], edges: [] });
  await new Promise((r) => setTimeout(r, 7500));
  await engine.shutdown();
  const starts = [...store.runs.values()].map((r) => Date.parse(r.startedAt)).sort((a, b) => a - b);
  assert.equal(starts.length, 2, `two ticks in 7.5 s: ${starts.map((t) => t - started).join(', ')} ms after start`);
  // the first tick is 3 s after the start second, not at the next multiple of 3 of the minute
  const startSecond = Math.floor(started / 1000) * 1000;
  assert.ok(Math.abs(starts[0]! - (startSecond + 3000)) < 400, `first tick ${starts[0]! - startSecond} ms after the start second`);
  assert.ok(Math.abs(starts[1]! - starts[0]! - 3000) < 400);
});
