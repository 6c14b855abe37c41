// Script nodes wired to each other through the real engine: what each one receives is exactly
// what reached it, whether it came straight from another script, through a set node, or as
// a fan-out copy (the JSON a script returned is reused for the next script's input).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument, FlowNode, StepRecord } from '../../core/flow-types.ts';
import { testEngine } from '../../server/engine/engine.test-support.ts';
import { injectSpec } from '../inject/spec.ts';
import { injectRuntime } from '../inject/runtime.ts';
import { setSpec } from '../set/spec.ts';
import { setRuntime } from '../set/runtime.ts';
import { scriptSpec } from './spec.ts';
import { scriptRuntime } from './runtime.ts';

function flow(nodes: Partial<FlowNode>[], edges: [string, string][]): FlowDocument {
  return {
    name: 'chain',
    nodes: nodes.map((n) => ({ params: {}, ...n }) as FlowNode),
    edges: edges.map(([source, target]) => ({ source, target })),
  };
}

const script = (id: string, code: string): Partial<FlowNode> => ({ id, type: 'script', params: { code } });

async function withEngine<T>(doc: FlowDocument, use: (fire: (payload: unknown) => Promise<StepRecord[]>) => Promise<T>): Promise<T> {
  const { engine, store } = testEngine([injectSpec, setSpec, scriptSpec], [injectRuntime, setRuntime, scriptRuntime]);
  await engine.start('chain', 1, doc);
  try {
    return await use(async (payload) => {
      const fired = engine.trigger('chain', 'in', payload, true);
      const outcome = await fired.done;
      assert.equal(outcome.status, 'succeeded');
      return store.runs.get(fired.runId)!.steps;
    });
  } finally {
    await engine.shutdown();
  }
}

const outputOf = (steps: StepRecord[], nodeId: string): unknown => (steps.find((s) => s.nodeId === nodeId)?.output as { payload: unknown } | undefined)?.payload;

test('script → script → script: each sees what the one before returned', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'inject' },
      script('a', 'msg.payload.trail = [msg.payload.n]; return msg;'),
      script('b', 'msg.payload.trail.push(msg.payload.n * 2); msg.payload.b = true; return msg;'),
      script('c', 'return { payload: { trail: msg.payload.trail, sum: msg.payload.trail.reduce((x, y) => x + y, 0), b: msg.payload.b } };'),
    ],
    [['in', 'a'], ['a', 'b'], ['b', 'c']],
  );
  await withEngine(doc, async (fire) => {
    const steps = await fire({ n: 5 });
    assert.deepEqual(outputOf(steps, 'c'), { trail: [5, 10], sum: 15, b: true });
    // many runs at once through the same chain: no run sees another's message
    const all = await Promise.all(Array.from({ length: 300 }, (_, n) => fire({ n })));
    all.forEach((s, n) => assert.deepEqual(outputOf(s, 'c'), { trail: [n, n * 2], sum: n * 3, b: true }));
  });
});

test('a set node between two scripts: the second script sees the set node\'s change', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'inject' },
      script('a', 'return { payload: { x: 1, keep: "a" } };'),
      { id: 's', type: 'set', params: { fields: { 'payload.x': '${payload.x}0', 'payload.added': 'by set' } } },
      script('b', 'return { payload: { seen: msg.payload } };'),
    ],
    [['in', 'a'], ['a', 's'], ['s', 'b']],
  );
  await withEngine(doc, async (fire) => {
    assert.deepEqual(outputOf(await fire({}), 'b'), { seen: { x: '10', keep: 'a', added: 'by set' } });
  });
});

test('one script fanning out to two: each branch changes its own copy', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'inject' },
      script('a', 'return { payload: { list: [1], tag: "a" } };'),
      script('left', 'msg.payload.list.push("L"); msg.payload.tag = "left"; return msg;'),
      script('right', 'msg.payload.list.push("R"); return msg;'),
    ],
    [['in', 'a'], ['a', 'left'], ['a', 'right']],
  );
  await withEngine(doc, async (fire) => {
    const steps = await fire({});
    assert.deepEqual(outputOf(steps, 'left'), { list: [1, 'L'], tag: 'left' });
    assert.deepEqual(outputOf(steps, 'right'), { list: [1, 'R'], tag: 'a' });
    assert.deepEqual(outputOf(steps, 'a'), { list: [1], tag: 'a' }, 'the trace of a is untouched');
  });
});
