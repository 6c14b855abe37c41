// The editor's pure helper for "Run again" (run by node's test runner; the root tsconfig checks it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord, StepRecord } from '../../../core/flow-types.ts';
import { rerunOf } from './rerun.ts';

const run = (output: unknown, nodeId = 'in'): RunRecord => ({
  id: 'r_1', flowId: 'f', flowVersion: 1, trigger: { nodeId: 'in', type: 'inject', kind: 'manual' }, status: 'failed',
  startedAt: '2026-11-23T00:00:00.000Z',
  steps: [{ nodeId, status: 'succeeded', startedAt: '2026-11-23T00:00:00.000Z', output } as StepRecord],
});

test('the trigger step\'s payload is fired again at the trigger node', () => {
  assert.deepEqual(rerunOf(run({ payload: { orderId: 7, lines: [1, 2] }, topic: 't' })), { ok: true, nodeId: 'in', payload: { orderId: 7, lines: [1, 2] } });
  assert.deepEqual(rerunOf(run({ payload: null })), { ok: true, nodeId: 'in', payload: null });
});

test('not offered when the trace cannot give the same payload back', () => {
  const reason = (r: ReturnType<typeof rerunOf>): string => (r.ok ? 'offered' : r.reason);
  assert.match(reason(rerunOf(run({ payload: { rows: [1, { __truncated: true, items: 5000 }] } }))), /shortened/);
  assert.match(reason(rerunOf(run({ payload: { user: 'a', password: '***' } }))), /masked/);
  const binary = { $binary: { type: 'application/pdf', bytes: 9, sha256: 'ab', head: 'JVBERi0=' } };
  assert.match(reason(rerunOf(run({ payload: binary }))), /summary of the binary/);
  assert.match(reason(rerunOf(run({ topic: 'no payload' }))), /no payload/);
  assert.match(reason(rerunOf(run({ payload: 1 }, 'other'))), /does not hold its trigger message/);
});
