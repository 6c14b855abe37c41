import type { NodeDefinition, NodeSpec } from '../../core/node-spec.ts';
import { Type, jsonSchema, type ParamsOf } from '../../core/params-schema.ts';

const params = Type.Object(
  {
    payload: Type.Optional(Type.Unknown({ title: 'Payload', description: 'any JSON; strings may hold expressions' })),
    topic: Type.Optional(Type.String({ title: 'Topic' })),
  },
  { additionalProperties: false },
);
export type InjectParams = ParamsOf<typeof params>;

export const injectSpec: NodeSpec = {
  type: 'inject',
  category: 'trigger',
  label: 'Inject',
  description: 'Starts a run when fired from the editor or POST /api/flows/:id/trigger.',
  inputs: [],
  outputs: ['out'],
  trigger: { kind: 'manual' },
  paramsSchema: jsonSchema(params),
  ui: { icon: 'play', widgets: { payload: 'json' } },
};

export const injectNode: NodeDefinition = { spec: injectSpec };
