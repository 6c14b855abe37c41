/** Per-run trace caps: steps and bytes kept, what is left out counted, failures still kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument, FlowNode, FlowSettings, StepRecord } from '../../core/flow-types.ts';
import type { NodeRuntime } from './node-api.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { silentEvents, type EngineEvents } from './events.ts';
import { testEngine } from './engine.test-support.ts';
import { DEFAULT_TRACE_CAPS, FAILED_STEPS_PAST_CAPS } from './run.ts';
import { injectSpec } from '../../nodes/inject/spec.ts';
import { injectRuntime } from '../../nodes/inject/runtime.ts';
import { loopSpec } from '../../nodes/loop/spec.ts';
import { loopRuntime } from '../../nodes/loop/runtime.ts';
import { setSpec } from '../../nodes/set/spec.ts';
import { setRuntime } from '../../nodes/set/runtime.ts';

/** test-only: fails when the payload says so, else passes the message on */
const failSpec: NodeSpec = {
  type: 'fail-if', category: 'function', label: 'Fail if', inputs: ['in'], outputs: ['out'],
  paramsSchema: { type: 'object', properties: {} },
};
const failRuntime: NodeRuntime = {
  type: 'fail-if',
  create: () => ({
    onMessage(msg, io) {
      if ((msg.payload as { fail?: boolean }).fail) throw new Error(`item ${String(msg['index'])} failed`);
      io.send(msg);
    },
  }),
};

const specs = [injectSpec, loopSpec, setSpec, failSpec];
const runtimes = [injectRuntime, loopRuntime, setRuntime, failRuntime];

/** inject → loop → fail-if (each item) */
function fanOut(settings: FlowSettings, onError: FlowNode['onError'] = 'stop'): FlowDocument {
  return {
    name: 'fan-out',
    nodes: [
      { id: 'in', type: 'inject', params: {} },
      { id: 'each', type: 'loop', params: {} },
      { id: 'check', type: 'fail-if', params: {}, ...(onError ? { onError } : {}) },
    ],
    edges: [{ source: 'in', target: 'each' }, { source: 'each', sourcePort: 'each', target: 'check' }],
    settings,
  };
}

async function run(doc: FlowDocument, payload: unknown, events: EngineEvents = silentEvents) {
  const { engine, store } = testEngine(specs, runtimes, { events });
  await engine.start('f', 1, doc);
  const fired = engine.trigger('f', 'in', payload, true);
  await fired.done;
  await engine.shutdown();
  return store.runs.get(fired.runId)!;
}

const items = (n: number, fail: (i: number) => boolean = () => false) => Array.from({ length: n }, (_, i) => ({ i, fail: fail(i) }));

test('traceMaxSteps: steps past it are left out and counted on the run', async () => {
  const r = await run(fanOut({ traceMaxSteps: 50 }), items(200));
  assert.equal(r.status, 'succeeded');
  assert.equal(r.steps.length, 50);
  assert.deepEqual({ ...r.traceTruncated, keptBytes: 0 }, {
    steps: 202 - 50, keptSteps: 50, keptBytes: 0, maxSteps: 50, maxBytes: DEFAULT_TRACE_CAPS.maxBytes,
  });
  assert.ok(r.traceTruncated!.keptBytes > 0);
  const small = await run(fanOut({ traceMaxSteps: 50 }), items(10));
  assert.equal(small.traceTruncated, undefined, 'a run within the caps has no marker');
  assert.equal(small.steps.length, 12);
});

test('a failure after the cap is kept, and a run that fails late shows why', async () => {
  const r = await run(fanOut({ traceMaxSteps: 20 }), items(300, (i) => i === 299));
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /item 299 failed/);
  const failed = r.steps.filter((s: StepRecord) => s.status === 'failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.nodeId, 'check');
  assert.deepEqual(failed[0]!.input, { payload: { i: 299, fail: true }, index: 299 });
  assert.equal(r.traceTruncated!.steps + r.steps.length, 302);
});

test(`many failures past the cap: at most ${FAILED_STEPS_PAST_CAPS} more are kept, the rest counted`, async () => {
  const r = await run(fanOut({ traceMaxSteps: 20 }, 'continue'), items(500, () => true));
  assert.equal(r.steps.length, 20 + FAILED_STEPS_PAST_CAPS);
  assert.ok(r.steps.slice(20).every((s: StepRecord) => s.status === 'failed'));
  assert.equal(r.traceTruncated!.steps, 502 - r.steps.length);
});

test('errors mode: failed steps are capped the same way; the failure that fails the run is always kept', async () => {
  // each → check (failures continue); done → set fail → final (fails the run)
  const doc = fanOut({ trace: 'errors', traceMaxSteps: 20 }, 'continue');
  doc.nodes.push(
    { id: 'mark', type: 'set', params: { fields: { 'payload.fail': true } } },
    { id: 'final', type: 'fail-if', params: {} },
  );
  doc.edges.push({ source: 'each', sourcePort: 'done', target: 'mark' }, { source: 'mark', target: 'final' });
  const r = await run(doc, items(500, (i) => i % 2 === 0));
  assert.equal(r.status, 'failed');
  const failed = r.steps.filter((s: StepRecord) => s.status === 'failed');
  assert.equal(failed.filter((s: StepRecord) => s.nodeId === 'check').length, 19 + FAILED_STEPS_PAST_CAPS, 'the trigger step counts too');
  assert.equal(failed.at(-1)!.nodeId, 'final', 'the fatal failure is kept past every cap');
  assert.equal(r.traceTruncated!.steps, 251 - failed.length);
  assert.equal(r.traceTruncated!.keptSteps, r.steps.length, 'the trigger step included');
});

test('the byte cap: steps stop being stored once the trace holds maxBytes', async () => {
  const big = 'x'.repeat(30_000);
  const r = await run(fanOut({}), Array.from({ length: 1000 }, (_, i) => ({ i, big })));
  const kept = r.traceTruncated!;
  assert.ok(kept.keptBytes >= DEFAULT_TRACE_CAPS.maxBytes && kept.keptBytes < DEFAULT_TRACE_CAPS.maxBytes + 200_000, `${kept.keptBytes}`);
  assert.ok(r.steps.length < 1000);
  assert.equal(kept.steps + r.steps.length, 1002);
});

test('live watchers get no step events past the cap, but do get a late failure', async () => {
  const ended: StepRecord[] = [];
  const events: EngineEvents = { ...silentEvents, wants: () => true, nodeEnd: (_f, _r, step) => void ended.push(step) };
  await run(fanOut({ traceMaxSteps: 30 }), items(1000, (i) => i === 999), events);
  assert.ok(ended.length <= 31, `${ended.length} node:end events`);
  const failed = ended.filter((s) => s.status === 'failed');
  assert.equal(failed.length, 1);
  assert.match(failed[0]!.error ?? '', /item 999 failed/);
});
