/** POST /trigger without a node fires a trigger chosen by the kind its spec declares, never by type name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import type { NodeRuntime } from './node-api.ts';
import { testEngine } from './engine.test-support.ts';

const spec = (type: string, kind: 'manual' | 'schedule' | 'event'): NodeSpec => ({
  type, category: 'trigger', label: type, inputs: [], outputs: ['out'], trigger: { kind }, paramsSchema: { type: 'object' },
});
const specs = [spec('on-event', 'event'), spec('on-clock', 'schedule'), spec('by-hand', 'manual')];

function recording(fired: string[]): NodeRuntime[] {
  return specs.map((s) => ({
    type: s.type,
    create: (ctx) => ({
      trigger: () => {
        fired.push(ctx.node.id);
        return ctx.fire({ payload: null }, { kind: 'manual' });
      },
    }),
  }));
}

const flow = (nodes: [string, string, boolean?][]): FlowDocument => ({
  name: 't', nodes: nodes.map(([id, type, disabled]) => ({ id, type, params: {}, ...(disabled ? { disabled } : {}) })), edges: [],
});

test('the first manual trigger is fired, else the first scheduled one, else the first of any kind', async () => {
  const fired: string[] = [];
  const { engine } = testEngine(specs, recording(fired));
  await engine.start('f1', 1, flow([['e1', 'on-event'], ['c1', 'on-clock'], ['m1', 'by-hand'], ['m2', 'by-hand']]));
  await engine.trigger('f1', undefined, undefined, false).done;
  await engine.start('f2', 1, flow([['e1', 'on-event'], ['m1', 'by-hand', true], ['c1', 'on-clock'], ['c2', 'on-clock']]));
  await engine.trigger('f2', undefined, undefined, false).done;
  await engine.start('f3', 1, flow([['e1', 'on-event'], ['e2', 'on-event']]));
  await engine.trigger('f3', undefined, undefined, false).done;
  assert.deepEqual(fired, ['m1', 'c1', 'e1']);
  await engine.shutdown(100);
});
