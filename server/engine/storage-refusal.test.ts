// The engine while the store cannot write: no run starts (nothing of it runs), the trigger node
// shows it, and everything comes back when the store reports it can write again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument } from '../../core/flow-types.ts';
import type { NodeContext, NodeRuntime, NodeStatus } from './node-api.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { MemoryStorePort, testEngine } from './engine.test-support.ts';
import { StorageError } from './storage-error.ts';
import type { EngineEvents } from './events.ts';
import { silentEvents } from './events.ts';

const counterSpec: NodeSpec = {
  type: 'counter', category: 'function', label: 'Counter', inputs: ['in'], outputs: ['out'], paramsSchema: { type: 'object' },
};
let calls = 0;
const counterRuntime: NodeRuntime = {
  type: 'counter',
  create: () => ({
    onMessage(msg, io) {
      calls++;
      io.state.set('n', ((io.state.get<number>('n')) ?? 0) + 1);
      io.send(msg);
    },
  }),
};
/** a trigger that fires on demand and keeps its context (for storageRecovered) */
const sourceSpec: NodeSpec = {
  type: 'source', category: 'trigger', label: 'Source', inputs: [], outputs: ['out'], trigger: { kind: 'event' }, paramsSchema: { type: 'object' },
};
let sourceCtx: NodeContext | undefined;
const sourceRuntime: NodeRuntime = {
  type: 'source',
  create(ctx) {
    sourceCtx = ctx;
    return { start: () => ctx.setStatus({ state: 'ok', text: 'listening' }) };
  },
};

const doc: FlowDocument = {
  name: 't',
  nodes: [{ id: 'src', type: 'source', params: {} }, { id: 'count', type: 'counter', params: {} }],
  edges: [{ source: 'src', target: 'count' }],
};

test('while the store cannot write, fired runs are refused before anything runs, and the node shows it until the store recovers', async () => {
  const statuses: { nodeId: string; status: NodeStatus }[] = [];
  const events: EngineEvents = { ...silentEvents, nodeStatus: (_f, nodeId, status) => void statuses.push({ nodeId, status }) };
  const store = new MemoryStorePort();
  const { engine } = testEngine([sourceSpec, counterSpec], [sourceRuntime, counterRuntime], { store, events });
  await engine.start('f', 1, doc);
  calls = 0;
  const ok = await sourceCtx!.fire({ payload: 1 }).done;
  assert.equal(ok.status, 'succeeded');
  assert.equal(calls, 1);

  const full = new StorageError('STORAGE_FULL', 'no space left');
  store.setProblem(full);
  let recovered = 0;
  sourceCtx!.storageRecovered!(() => recovered++);
  const refused = [sourceCtx!.fire({ payload: 2 }), sourceCtx!.fire({ payload: 3 }), engine.trigger('f', 'src', 4, true, { recordStart: true })];
  for (const fired of refused) {
    assert.equal(fired.refused, full);
    assert.deepEqual(await fired.done, { runId: fired.runId, status: 'failed', error: 'the run could not be recorded: storage is full' });
    await assert.rejects(fired.recorded!(), (err) => err === full);
    assert.equal(store.runs.has(fired.runId), false, 'a refused run is not recorded');
  }
  assert.equal(calls, 1, 'nothing of a refused run ran');
  assert.equal(store.loadNodeState('f', 'count')['n'], 1);
  const shown = statuses.filter((s) => s.nodeId === 'src').at(-1)!.status;
  assert.equal(shown.state, 'error');
  assert.equal(shown['storage'], 'STORAGE_FULL');
  assert.match(shown.text, /^listening · storage full: new runs are refused/);
  // the node's own updates keep the condition on top while it lasts
  sourceCtx!.setStatus({ state: 'ok', text: 'lag 3' });
  assert.match(statuses.at(-1)!.status.text, /^lag 3 · storage full/);

  store.setProblem(undefined);
  assert.equal(recovered, 1, 'told once when the store writes again');
  assert.deepEqual(statuses.at(-1), { nodeId: 'src', status: { state: 'ok', text: 'lag 3' } });
  const after = await sourceCtx!.fire({ payload: 5 }).done;
  assert.equal(after.status, 'succeeded');
  assert.equal(calls, 2);
  assert.equal(store.loadNodeState('f', 'count')['n'], 2);
  await engine.shutdown();
});

test('a run whose end is refused by a full store settles failed and its staged state is taken back', async () => {
  const store = new MemoryStorePort();
  const { engine } = testEngine([sourceSpec, counterSpec], [sourceRuntime, counterRuntime], { store });
  await engine.start('g', 1, doc);
  assert.equal((await sourceCtx!.fire({ payload: 1 }).done).status, 'succeeded');
  store.failNextFinish = new StorageError('STORAGE_FULL', 'no space left');
  const lost = await sourceCtx!.fire({ payload: 2 }).done;
  assert.deepEqual([lost.status, lost.error], ['failed', 'the run could not be recorded: storage is full']);
  assert.equal(store.loadNodeState('g', 'count')['n'], 1);
  // recorded as failed (without its steps), and the next run counts on from the committed value
  assert.equal(store.runs.get(lost.runId)?.status, 'failed');
  const next = sourceCtx!.fire({ payload: 3 });
  assert.equal((await next.done).status, 'succeeded');
  assert.equal(store.loadNodeState('g', 'count')['n'], 2);
  await engine.shutdown();
});
