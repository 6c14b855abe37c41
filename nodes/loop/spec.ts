import type { NodeSpec } from '../../core/node-spec.ts';

export const loopSpec: NodeSpec = {
  type: 'loop',
  category: 'flow',
  label: 'Loop',
  description: 'Runs everything downstream of "each" once per item; "done" gets {count, succeeded, failed}.',
  inputs: ['in'],
  outputs: ['each', 'done'],
  paramsSchema: {
    type: 'object',
    properties: {
      items: { default: '${payload}', title: 'Items', description: 'expression giving a list' },
      concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 1, title: 'Concurrency' },
    },
    additionalProperties: false,
  },
  ui: { icon: 'repeat', widgets: { items: 'expression' } },
};
