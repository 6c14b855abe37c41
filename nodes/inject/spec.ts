import type { NodeSpec } from '../../core/node-spec.ts';

export const injectSpec: NodeSpec = {
  type: 'inject',
  category: 'trigger',
  label: 'Inject',
  description: 'Starts a run when fired from the editor or POST /api/flows/:id/trigger.',
  inputs: [],
  outputs: ['out'],
  trigger: true,
  paramsSchema: {
    type: 'object',
    properties: {
      payload: { title: 'Payload', description: 'any JSON; strings may hold expressions' },
      topic: { type: 'string', title: 'Topic' },
    },
    additionalProperties: false,
  },
  ui: { icon: 'play', widgets: { payload: 'json' } },
};
