import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument, FlowNode } from '../../core/flow-types.ts';
import type { NodeRuntime } from './node-api.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { testEngine } from './engine.test-support.ts';
import { injectSpec } from '../../nodes/inject/spec.ts';
import { injectRuntime } from '../../nodes/inject/runtime.ts';
import { loopSpec } from '../../nodes/loop/spec.ts';
import { loopRuntime } from '../../nodes/loop/runtime.ts';
import { setSpec } from '../../nodes/set/spec.ts';
import { setRuntime } from '../../nodes/set/runtime.ts';
import { switchSpec } from '../../nodes/switch/spec.ts';
import { switchRuntime } from '../../nodes/switch/runtime.ts';
import { logSpec } from '../../nodes/log/spec.ts';
import { logRuntime } from '../../nodes/log/runtime.ts';

/** A test-only node type: fails while payload.fail is truthy, counts calls, mutates nothing. */
const flakySpec: NodeSpec = {
  type: 'flaky', category: 'function', label: 'Flaky', inputs: ['in'], outputs: ['out'],
  paramsSchema: { type: 'object', properties: { failTimes: { type: 'integer' }, delayMs: { type: 'integer' } } },
};
const calls = new Map<string, number>();
const flakyRuntime: NodeRuntime = {
  type: 'flaky',
  create(ctx) {
    return {
      async onMessage(msg, io) {
        const key = `${ctx.flowId}/${ctx.node.id}`;
        const n = (calls.get(key) ?? 0) + 1;
        calls.set(key, n);
        const delay = Number(io.params['delayMs'] ?? 0);
        if (delay) await new Promise((r) => setTimeout(r, delay));
        const p = msg.payload as { fail?: boolean; stage?: unknown } | undefined;
        if (p?.fail || n <= Number(io.params['failTimes'] ?? 0)) throw new Error(`boom ${n}`);
        if (p?.stage !== undefined) io.state.set('seen', p.stage);
        io.send(msg);
      },
    };
  },
};

const specs = [injectSpec, loopSpec, setSpec, switchSpec, logSpec, flakySpec];
const runtimes = [injectRuntime, loopRuntime, setRuntime, switchRuntime, logRuntime, flakyRuntime];

function flow(nodes: Partial<FlowNode>[], edges: [string, string, string?][]): FlowDocument {
  return {
    name: 't',
    nodes: nodes.map((n) => ({ params: {}, ...n }) as FlowNode),
    edges: edges.map(([source, target, sourcePort]) => ({ source, target, ...(sourcePort ? { sourcePort } : {}) })),
  };
}

let flowCounter = 0;
async function runOnce(doc: FlowDocument, payload?: unknown) {
  const { engine, store } = testEngine(specs, runtimes);
  const id = `f${++flowCounter}`;
  await engine.start(id, 1, doc);
  const fired = engine.trigger(id, undefined, payload, payload !== undefined);
  const outcome = await fired.done;
  await engine.shutdown();
  return { outcome, run: store.runs.get(fired.runId)!, store };
}

test('messages pass along edges and set resolves ${nodeId|path} from upstream', async () => {
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: { payload: { a: 2, b: 'x' } } },
      { id: 's1', type: 'set', params: { fields: { 'payload.total': '${in1|payload.a}', 'payload.label': 'b=${payload.b}' } } },
      { id: 'l1', type: 'log', params: { message: 'total ${s1|payload.total}' } },
    ],
    [['in1', 's1'], ['s1', 'l1']],
  );
  const { outcome, run } = await runOnce(doc);
  assert.equal(outcome.status, 'succeeded');
  assert.deepEqual(run.steps.map((s) => s.nodeId), ['in1', 's1', 'l1']);
  assert.deepEqual((run.steps[1]!.output as { payload: unknown }).payload, { a: 2, b: 'x', total: 2, label: 'b=x' });
  assert.deepEqual(run.steps[2]!.logs, ['[info] total 2']);
  assert.deepEqual((run.steps[1]!.params as { fields: unknown }).fields, { 'payload.total': 2, 'payload.label': 'b=x' });
});

test('loop runs its body per item in order and done reports the summary', async () => {
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: { payload: [{ aa: 1 }, { aa: 2 }, { aa: 3 }] } },
      { id: '500885', type: 'loop', params: {} },
      { id: 's1', type: 'set', params: { fields: { 'payload.double': '${500885|payload.aa}' } } },
      { id: 'sum', type: 'log', params: { message: 'done ${payload.count}/${payload.succeeded}/${payload.failed}' } },
    ],
    [['in1', '500885'], ['500885', 's1', 'each'], ['500885', 'sum', 'done']],
  );
  const { outcome, run } = await runOnce(doc);
  assert.equal(outcome.status, 'succeeded');
  const body = run.steps.filter((s) => s.nodeId === 's1');
  assert.deepEqual(body.map((s) => s.iteration), [0, 1, 2]);
  assert.deepEqual(body.map((s) => (s.params as { fields: Record<string, unknown> }).fields['payload.double']), [1, 2, 3]);
  assert.deepEqual(run.steps.find((s) => s.nodeId === 'sum')!.logs, ['[info] done 3/3/0']);
});

test('concurrent loop bodies each see their own item', async () => {
  const items = Array.from({ length: 20 }, (_, i) => ({ n: i }));
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: { payload: items } },
      { id: 'lp', type: 'loop', params: { concurrency: 5 } },
      { id: 'slow', type: 'flaky', params: { delayMs: 5 } },
      { id: 's1', type: 'set', params: { fields: { 'payload.fromLoop': '${lp|payload.n}' } } },
      { id: 'done', type: 'log', params: { message: '${payload.succeeded}' } },
    ],
    [['in1', 'lp'], ['lp', 'slow', 'each'], ['slow', 's1'], ['lp', 'done', 'done']],
  );
  const { run } = await runOnce(doc);
  const sets = run.steps.filter((s) => s.nodeId === 's1');
  assert.equal(sets.length, 20);
  for (const s of sets) {
    const out = (s.output as { payload: { n: number; fromLoop: number } }).payload;
    assert.equal(out.fromLoop, out.n);
    assert.equal(s.iteration, out.n);
  }
  assert.deepEqual(run.steps.find((s) => s.nodeId === 'done')!.logs, ['[info] 20']);
});

test('fan-out gives each branch its own copy', async () => {
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: { payload: { v: 1 } } },
      { id: 'a', type: 'set', params: { fields: { 'payload.v': 'A' } } },
      { id: 'b', type: 'set', params: { fields: { 'payload.w': 'B' } } },
    ],
    [['in1', 'a'], ['in1', 'b']],
  );
  const { run } = await runOnce(doc);
  const a = run.steps.find((s) => s.nodeId === 'a')!;
  const b = run.steps.find((s) => s.nodeId === 'b')!;
  assert.deepEqual((a.output as { payload: unknown }).payload, { v: 'A' });
  assert.deepEqual((b.output as { payload: unknown }).payload, { v: 1, w: 'B' });
  assert.notEqual(a.input, b.input);
});

test('onError stop fails the run; continue goes on; port routes the error', async () => {
  const base = (onError: 'stop' | 'continue' | 'port') =>
    flow(
      [
        { id: 'in1', type: 'inject', params: { payload: [{ fail: false }, { fail: true }, { fail: false }] } },
        { id: 'lp', type: 'loop', params: {} },
        { id: 'f', type: 'flaky', params: {}, onError },
        { id: 'err', type: 'log', params: { message: 'caught ${error.message}' } },
        { id: 'done', type: 'log', params: { message: '${payload.succeeded}/${payload.failed}' } },
      ],
      [['in1', 'lp'], ['lp', 'f', 'each'], ['f', 'err', 'error'], ['lp', 'done', 'done']],
    );
  const stop = await runOnce(base('stop'));
  assert.equal(stop.outcome.status, 'failed');
  assert.match(stop.outcome.error!, /node f: boom/);
  assert.equal(stop.run.steps.filter((s) => s.nodeId === 'f').length, 2, 'the third item never runs');
  assert.equal(stop.run.steps.find((s) => s.nodeId === 'done'), undefined);

  const cont = await runOnce(base('continue'));
  assert.equal(cont.outcome.status, 'succeeded');
  assert.deepEqual(cont.run.steps.find((s) => s.nodeId === 'done')!.logs, ['[info] 2/1']);

  const port = await runOnce(base('port'));
  assert.equal(port.outcome.status, 'succeeded');
  assert.match(port.run.steps.find((s) => s.nodeId === 'err')!.logs![0]!, /caught boom/);
  assert.deepEqual(port.run.steps.find((s) => s.nodeId === 'done')!.logs, ['[info] 3/0']);
});

test('bounded retry with backoff recovers a flaky node', async () => {
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: { payload: 1 } },
      { id: 'f', type: 'flaky', params: { failTimes: 2 }, retry: { attempts: 3, backoffMs: 10 } },
    ],
    [['in1', 'f']],
  );
  const { outcome, run } = await runOnce(doc);
  assert.equal(outcome.status, 'succeeded');
  assert.equal(run.steps.find((s) => s.nodeId === 'f')!.attempts, 3);
  const exhausted = flow(
    [
      { id: 'in1', type: 'inject', params: { payload: 1 } },
      { id: 'f', type: 'flaky', params: { failTimes: 5 }, retry: { attempts: 1, backoffMs: 5 } },
    ],
    [['in1', 'f']],
  );
  const second = await runOnce(exhausted);
  assert.equal(second.outcome.status, 'failed');
});

test('staged node state is committed only when the run succeeds', async () => {
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: {} },
      { id: 'f', type: 'flaky', params: {} },
      { id: 'g', type: 'flaky', params: {} },
    ],
    [['in1', 'f'], ['f', 'g']],
  );
  const { engine, store } = testEngine(specs, runtimes);
  await engine.start('fs', 1, doc);
  const ok = await engine.trigger('fs', undefined, { stage: 'w1' }, true).done;
  assert.equal(ok.status, 'succeeded');
  assert.deepEqual(store.loadNodeState('fs', 'f'), { seen: 'w1' });
  const bad = await engine.trigger('fs', undefined, { stage: 'w2', fail: true }, true).done;
  assert.equal(bad.status, 'failed');
  assert.deepEqual(store.loadNodeState('fs', 'f'), { seen: 'w1' });
  store.failNextFinish = true;
  const lost = await engine.trigger('fs', undefined, { stage: 'w3' }, true).done;
  assert.equal(lost.status, 'failed');
  assert.match(lost.error!, /could not be recorded: disk full/);
  assert.deepEqual(store.loadNodeState('fs', 'f'), { seen: 'w1' });
  await engine.shutdown();
});

test('switch routes by rules and else', async () => {
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: {} },
      { id: 'sw', type: 'switch', params: { rules: [{ value: '${payload.t}', op: 'gt', arg: 10 }, { value: '${payload.s}', op: 'prefix', arg: 'ab' }] } },
      { id: 'hi', type: 'log', params: {} },
      { id: 'ab', type: 'log', params: {} },
      { id: 'other', type: 'log', params: {} },
    ],
    [['in1', 'sw'], ['sw', 'hi', 'rule1'], ['sw', 'ab', 'rule2'], ['sw', 'other', 'else']],
  );
  const hit = async (payload: unknown) => (await runOnce(doc, payload)).run.steps.map((s) => s.nodeId).slice(2);
  assert.deepEqual(await hit({ t: 11, s: 'abc' }), ['hi']);
  assert.deepEqual(await hit({ t: '3', s: 'abc' }), ['ab']);
  assert.deepEqual(await hit({ t: 3, s: 'x' }), ['other']);
});

test('a run ends only when nothing of it is in flight, and stop lets runs finish', async () => {
  const doc = flow(
    [
      { id: 'in1', type: 'inject', params: {} },
      { id: 'slow', type: 'flaky', params: { delayMs: 150 } },
    ],
    [['in1', 'slow']],
  );
  const { engine, store } = testEngine(specs, runtimes);
  await engine.start('fx', 1, doc);
  const fired = engine.trigger('fx', undefined, 1, true);
  assert.equal(store.runs.get(fired.runId)!.status, 'running');
  await engine.stop('fx');
  assert.equal((await fired.done).status, 'succeeded');
  assert.throws(() => engine.trigger('fx', undefined, 1, true), /not running/);
});

test('trace modes: errors keeps only failed runs with their trigger and failed step; sampled keeps a share; off nothing', async () => {
  const doc = (trace: 'errors' | 'sampled' | 'off', traceSample?: number): FlowDocument => ({
    ...flow(
      [
        { id: 'in1', type: 'inject', params: {} },
        { id: 's1', type: 'set', params: { fields: { 'payload.seen': true } } },
        { id: 'f', type: 'flaky', params: {} },
      ],
      [['in1', 's1'], ['s1', 'f']],
    ),
    settings: { trace, ...(traceSample !== undefined ? { traceSample } : {}) },
  });
  const fireAll = async (d: FlowDocument, payloads: unknown[]) => {
    const { engine, store } = testEngine(specs, runtimes);
    const id = `trace-${++flowCounter}`;
    await engine.start(id, 1, d);
    for (const p of payloads) await engine.trigger(id, undefined, p, true).done;
    await engine.shutdown();
    return [...store.runs.values()];
  };
  const errors = await fireAll(doc('errors'), [{ fail: false }, { fail: true }, { fail: false }]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.status, 'failed');
  assert.deepEqual(errors[0]!.steps.map((s) => [s.nodeId, s.status]), [['in1', 'succeeded'], ['f', 'failed']]);
  assert.deepEqual((errors[0]!.steps[1]!.input as { payload: unknown }).payload, { fail: true, seen: true });

  const all = await fireAll(doc('sampled', 1), [{}, {}]);
  assert.equal(all.length, 2);
  assert.equal(all[0]!.steps.length, 3);
  const none = await fireAll(doc('sampled', 0), [{}, { fail: true }]);
  assert.deepEqual(none.map((r) => r.status), ['failed']);
  assert.equal((await fireAll(doc('off'), [{ fail: true }])).length, 0);
});
