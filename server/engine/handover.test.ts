/**
 * A new version of a running flow goes into effect at a run boundary: runs in flight finish on
 * the version they started with, what the triggers fire afterwards runs the new one; a trigger
 * kept as it was is handed over running (never stopped); a version that cannot start leaves the
 * old one running and says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument, FlowNode, Message } from '../../core/flow-types.ts';
import type { FiredRun, FireOptions, NodeRuntime } from './node-api.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { testEngine } from './engine.test-support.ts';
import { ReplaceError } from './engine.ts';

/** a trigger whose fire the test holds; counts its starts and stops */
const sourceSpec: NodeSpec = {
  type: 'source', category: 'trigger', label: 'Source', inputs: [], outputs: ['out'], trigger: { kind: 'event' },
  paramsSchema: { type: 'object', properties: { topic: { type: 'string' }, failStart: { type: 'boolean' } } },
};
const sources = new Map<string, { fire: (msg: Message, options?: FireOptions) => FiredRun; starts: number; stops: number; seen: unknown }>();
const sourceRuntime: NodeRuntime = {
  type: 'source',
  create(ctx) {
    const key = `${ctx.flowId}/${ctx.node.id}`;
    const entry = sources.get(key) ?? { fire: () => { throw new Error('not started'); }, starts: 0, stops: 0, seen: undefined };
    sources.set(key, entry);
    return {
      start() {
        if (ctx.params['failStart']) throw new Error('cannot subscribe');
        entry.starts++;
        entry.seen = ctx.state.get('cursor');
        entry.fire = (msg, options) => ctx.fire(msg, options);
      },
      stop() {
        entry.stops++;
      },
    };
  },
};

/** records which version and node handled a message; waits `delayMs`; fails to create when `broken` */
const stepSpec: NodeSpec = {
  type: 'step', category: 'function', label: 'Step', inputs: ['in'], outputs: ['out'],
  paramsSchema: { type: 'object', properties: { delayMs: { type: 'integer' }, broken: { type: 'boolean' }, tag: { type: 'string' } } },
};
const handled: { flowId: string; node: string; version: number; n: unknown; tag: unknown }[] = [];
const stepRuntime: NodeRuntime = {
  type: 'step',
  create(ctx) {
    if (ctx.params['broken']) throw new Error('its connection cannot open');
    return {
      async onMessage(msg, io) {
        const delay = Number(io.params['delayMs'] ?? 0);
        if (delay) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, delay);
            io.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
          });
        }
        handled.push({ flowId: ctx.flowId, node: ctx.node.id, version: ctx.flowVersion, n: (msg.payload as { n?: unknown }).n, tag: io.params['tag'] });
        io.state.set('last', (msg.payload as { n?: unknown }).n);
        io.send(msg);
      },
    };
  },
};

function flow(nodes: Partial<FlowNode>[], edges: [string, string][]): FlowDocument {
  return { name: 't', nodes: nodes.map((n) => ({ params: {}, ...n }) as FlowNode), edges: edges.map(([source, target]) => ({ source, target })) };
}

let counter = 0;
function setup() {
  const { engine, store } = testEngine([sourceSpec, stepSpec], [sourceRuntime, stepRuntime]);
  const flowId = `handover-${++counter}-${Date.now()}`;
  const source = () => sources.get(`${flowId}/src`)!;
  const seen = () => handled.filter((h) => h.flowId === flowId);
  return { engine, store, flowId, source, seen };
}

const v1 = flow(
  [{ id: 'src', type: 'source', params: { topic: 't' } }, { id: 'slow', type: 'step', params: { delayMs: 300, tag: 'v1' } }, { id: 'gone', type: 'step', params: { tag: 'gone' } }],
  [['src', 'slow'], ['slow', 'gone']],
);
const v2 = flow(
  [{ id: 'src', type: 'source', params: { topic: 't' } }, { id: 'slow', type: 'step', params: { tag: 'v2' } }, { id: 'new', type: 'step', params: { tag: 'new' } }],
  [['src', 'slow'], ['slow', 'new']],
);

test('a run in flight finishes on v1; what fires after the switch runs v2; the kept trigger never stops', async () => {
  const { engine, store, flowId, source, seen } = setup();
  await engine.start(flowId, 1, v1);
  const inFlight = source().fire({ payload: { n: 1 } });
  await new Promise((r) => setTimeout(r, 50)); // the run is inside the slow node
  await engine.replace(flowId, 2, v2);
  assert.equal(engine.runningVersion(flowId), 2);
  assert.equal(engine.activeRuns(flowId), 1, 'the v1 run is still counted while it finishes');
  const a = await inFlight.done;
  const b = await source().fire({ payload: { n: 2 } }).done;
  assert.equal(a.status, 'succeeded');
  assert.equal(b.status, 'succeeded');
  assert.deepEqual(seen().map((h) => [h.n, h.node, h.version, h.tag]).sort(), [
    [1, 'gone', 1, 'gone'], [1, 'slow', 1, 'v1'], [2, 'new', 2, 'new'], [2, 'slow', 2, 'v2'],
  ].sort(), 'run 1 went through v1 (with its deleted node), run 2 through v2 only');
  assert.equal(store.runs.get(a.runId)?.flowVersion, 1);
  assert.equal(store.runs.get(b.runId)?.flowVersion, 2);
  assert.equal(source().starts, 1, 'the trigger was handed over running');
  assert.equal(source().stops, 0);
  assert.equal(store.loadNodeState(flowId, 'slow')['last'], 2);
  await engine.stop(flowId);
  assert.equal(source().stops, 1);
});

test('a version that cannot start leaves v1 running and says why', async () => {
  const { engine, flowId, source, seen } = setup();
  await engine.start(flowId, 1, v1);
  const broken = flow([...v2.nodes, { id: 'bad', type: 'step', params: { broken: true } }], [['src', 'slow'], ['slow', 'bad']]);
  await assert.rejects(engine.replace(flowId, 2, broken), (err: unknown) => {
    assert.ok(err instanceof ReplaceError);
    assert.match(err.message, /version 2 could not be put into effect \(version 1 keeps running\): node bad \(step\) could not start: its connection cannot open/);
    return true;
  });
  assert.equal(engine.runningVersion(flowId), 1);
  assert.deepEqual(engine.replacement(flowId), { version: 2, error: 'node bad (step) could not start: its connection cannot open', at: engine.replacement(flowId)?.at });
  const run = source().fire({ payload: { n: 7 } });
  assert.equal((await run.done).status, 'succeeded');
  assert.deepEqual(seen().map((h) => [h.node, h.version]), [['slow', 1], ['gone', 1]]);
  assert.equal(source().stops, 0, 'the trigger was never stopped');
  // a later good version clears the failure
  await engine.replace(flowId, 3, v2);
  assert.equal(engine.runningVersion(flowId), 3);
  assert.equal(engine.replacement(flowId), undefined);
  await engine.stop(flowId);
});

test('a changed trigger stops after its runs and the new one starts with its state', async () => {
  const { engine, store, flowId, source, seen } = setup();
  store.commitState([{ flowId, nodeId: 'src', key: 'cursor', value: 41 }]);
  await engine.start(flowId, 1, v1);
  const inFlight = source().fire({ payload: { n: 1 } });
  await new Promise((r) => setTimeout(r, 50));
  const changed = flow(v2.nodes.map((n) => (n.id === 'src' ? { ...n, params: { topic: 'other' } } : n)), [['src', 'slow'], ['slow', 'new']]);
  await engine.replace(flowId, 2, changed);
  // the old trigger's run finished before the new trigger started (a consumer group or session moves over whole)
  assert.equal((await inFlight.done).status, 'succeeded');
  assert.equal(source().stops, 1);
  assert.equal(source().starts, 2);
  assert.equal(source().seen, 41);
  assert.equal((await source().fire({ payload: { n: 2 } }).done).status, 'succeeded');
  assert.deepEqual(seen().filter((h) => h.n === 2).map((h) => [h.node, h.version]), [['slow', 2], ['new', 2]]);
  await engine.stop(flowId);
});

test('stopping a flow whose replaced version is finishing a run stops that too, within the grace', async () => {
  const { engine, flowId, source } = setup();
  const slow = flow([{ id: 'src', type: 'source', params: { topic: 't' } }, { id: 'slow', type: 'step', params: { delayMs: 60_000 } }], [['src', 'slow']]);
  await engine.start(flowId, 1, slow);
  const inFlight = source().fire({ payload: { n: 1 } });
  await new Promise((r) => setTimeout(r, 50));
  await engine.replace(flowId, 2, v2);
  const t0 = Date.now();
  await engine.stop(flowId);
  assert.ok(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
  assert.equal((await inFlight.done).status, 'cancelled');
  assert.equal(engine.activeRuns(flowId), 0);
});

test('a changed trigger that cannot start gives the old version its trigger back', async () => {
  const { engine, flowId, source, seen } = setup();
  await engine.start(flowId, 1, v1);
  const failing = flow(v2.nodes.map((n) => (n.id === 'src' ? { ...n, params: { topic: 't', failStart: true } } : n)), [['src', 'slow'], ['slow', 'new']]);
  await assert.rejects(engine.replace(flowId, 2, failing), /version 2 could not be put into effect \(version 1 keeps running\): cannot subscribe/);
  assert.equal(engine.runningVersion(flowId), 1);
  assert.equal(source().stops, 2, 'the v1 trigger and the v2 one that failed');
  assert.equal(source().starts, 2, 'the old trigger was started again');
  assert.equal((await source().fire({ payload: { n: 5 } }).done).status, 'succeeded');
  assert.deepEqual(seen().map((h) => [h.node, h.version]), [['slow', 1], ['gone', 1]]);
  await engine.stop(flowId);
});

test('a serial trigger does not overlap its run on v1 with one on v2', async () => {
  const { engine, flowId, source } = setup();
  await engine.start(flowId, 1, v1);
  const first = source().fire({ payload: { n: 1 } }, { skipIfRunning: true });
  await new Promise((r) => setTimeout(r, 50));
  await engine.replace(flowId, 2, v2);
  assert.equal((await source().fire({ payload: { n: 2 } }, { skipIfRunning: true }).done).status, 'skipped', 'the v1 run is still running');
  assert.equal((await first.done).status, 'succeeded');
  assert.equal((await source().fire({ payload: { n: 3 } }, { skipIfRunning: true }).done).status, 'succeeded');
  await engine.stop(flowId);
});
