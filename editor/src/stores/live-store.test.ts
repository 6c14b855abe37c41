// The live trace folding into what the canvas shows per node: running, succeeded, failed,
// skipped, loop bodies running many times, status lines, and events of other flows or runs.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../../core/flow-types.ts';
import type { StepEvent } from '../api/types.ts';
import { useLive } from './live-store.ts';

const live = () => useLive.getState();
const FLOW = 'f_live';

const run = (id: string, status: RunRecord['status'] = 'running', flowId = FLOW): RunRecord => ({
  id, flowId, flowVersion: 1, trigger: { nodeId: 'tick', type: 'timer', kind: 'schedule' }, status, startedAt: '2026-01-01T00:00:00Z',
});
const step = (runId: string, nodeId: string, status: StepEvent['status'] = 'running', extra: Partial<StepEvent> = {}): StepEvent => ({
  flowId: FLOW, runId, nodeId, status, ...extra,
});
const states = () => Object.fromEntries(Object.entries(live().marks).map(([id, m]) => [id, m.state]));

beforeEach(() => live().reset(FLOW));

test('a run paints its trigger as fired, then each node running and how it ended', () => {
  const tick = live().runTick;
  live().runStart(run('r1'));
  assert.deepEqual(states(), { tick: 'succeeded' });
  live().nodeStart(step('r1', 'read'));
  assert.deepEqual(states(), { tick: 'succeeded', read: 'running' });
  live().nodeEnd(step('r1', 'read', 'succeeded'));
  live().nodeStart(step('r1', 'route'));
  live().nodeEnd(step('r1', 'route', 'skipped'));
  assert.deepEqual(states(), { tick: 'succeeded', read: 'succeeded', route: 'skipped' });
  live().runEnd(run('r1', 'succeeded'));
  assert.equal(live().runTick, tick + 2, 'the runs list reloads at the start and at the end');
});

test('a failed step shows its error on the node', () => {
  live().runStart(run('r1'));
  live().nodeStart(step('r1', 'write'));
  live().nodeEnd(step('r1', 'write', 'failed', { error: "Table 'test.orders' doesn't exist" }));
  assert.deepEqual(live().marks['write'], { state: 'failed', active: 0, error: "Table 'test.orders' doesn't exist" });
  live().nodeStart(step('r1', 'other'));
  live().nodeEnd(step('r1', 'other', 'failed'));
  assert.equal(live().marks['other']?.error, 'failed', 'a failure without a message still says so');
});

test('a node in a loop body stays running until its last iteration ends; one failed iteration keeps it failed', () => {
  live().runStart(run('r1'));
  for (let i = 0; i < 3; i++) live().nodeStart(step('r1', 'body', 'running', { iteration: i }));
  assert.deepEqual(live().marks['body'], { state: 'running', active: 3 });
  live().nodeEnd(step('r1', 'body', 'succeeded', { iteration: 0 }));
  live().nodeEnd(step('r1', 'body', 'failed', { iteration: 1, error: 'row 2: duplicate key' }));
  assert.equal(live().marks['body']?.state, 'failed');
  live().nodeEnd(step('r1', 'body', 'succeeded', { iteration: 2 }));
  live().nodeStart(step('r1', 'body', 'running', { iteration: 3 }));
  assert.deepEqual(live().marks['body'], { state: 'failed', active: 1, error: 'row 2: duplicate key' });
  live().nodeEnd(step('r1', 'body', 'succeeded', { iteration: 3 }));
  assert.deepEqual(live().marks['body'], { state: 'failed', active: 0, error: 'row 2: duplicate key' });
});

test('the end of the run settles nodes whose end event was lost', () => {
  live().runStart(run('r1'));
  live().nodeStart(step('r1', 'slow'));
  live().runEnd(run('r1', 'succeeded'));
  assert.deepEqual(live().marks['slow'], { state: 'succeeded', active: 0 });
});

test('a new run repaints the canvas from scratch', () => {
  live().runStart(run('r1'));
  live().nodeStart(step('r1', 'write'));
  live().nodeEnd(step('r1', 'write', 'failed', { error: 'x' }));
  live().runEnd(run('r1', 'failed'));
  live().runStart(run('r2'));
  assert.deepEqual(states(), { tick: 'succeeded' });
});

test('opened while a run was going: its steps show from the first event seen', () => {
  live().nodeStart(step('r9', 'read'));
  assert.equal(live().runId, 'r9');
  assert.deepEqual(states(), { read: 'running' });
  live().nodeEnd(step('r9', 'read', 'succeeded'));
  assert.deepEqual(states(), { read: 'succeeded' });
});

test('steps of an older run still going do not take the canvas from the newest run', () => {
  // a timer in parallel mode: r2 starts while r1 still runs
  live().runStart(run('r1'));
  live().nodeStart(step('r1', 'read'));
  live().runStart(run('r2'));
  live().nodeStart(step('r2', 'read'));
  live().nodeStart(step('r1', 'write'));
  live().nodeEnd(step('r1', 'write', 'failed', { error: 'from r1' }));
  live().nodeEnd(step('r2', 'read', 'succeeded'));
  assert.equal(live().runId, 'r2');
  assert.deepEqual(states(), { tick: 'succeeded', read: 'succeeded' });
  live().runEnd(run('r1', 'failed'));
  assert.deepEqual(states(), { tick: 'succeeded', read: 'succeeded' });
});

test('events of another flow are not shown', () => {
  live().runStart(run('r1', 'running', 'f_other'));
  live().nodeStart({ ...step('r1', 'read'), flowId: 'f_other' });
  live().nodeStatus({ flowId: 'f_other', nodeId: 'read', state: 'warn', text: 'lag 40' });
  assert.deepEqual(live().marks, {});
  assert.deepEqual(live().statuses, {});
  assert.equal(live().runId, undefined);
});

test('status lines: the ones the flow came with, then live updates', () => {
  live().reset(FLOW, { consume: { state: 'ok', text: 'lag 0' } });
  live().nodeStatus({ flowId: FLOW, nodeId: 'consume', state: 'warn', text: 'lag 1200' });
  live().nodeStatus({ flowId: FLOW, nodeId: 'tick', state: 'idle', text: 'next 12:00:00' });
  assert.deepEqual(live().statuses, { consume: { state: 'warn', text: 'lag 1200' }, tick: { state: 'idle', text: 'next 12:00:00' } });
});

test('opening another flow clears the marks and the connection state', () => {
  live().setConnected(true);
  live().runStart(run('r1'));
  live().reset('f_next');
  assert.deepEqual(live().marks, {});
  assert.equal(live().connected, false);
  assert.equal(live().flowId, 'f_next');
});
