import type { NodeDefinition, NodeSpec } from '../../core/node-spec.ts';
import { Type, jsonSchema, withDefault, type ParamsOf } from '../../core/params-schema.ts';

const params = Type.Object(
  {
    items: withDefault(Type.Unknown({ title: 'Items', description: 'expression giving a list' }), '${payload}'),
    concurrency: withDefault(Type.Integer({ minimum: 1, maximum: 64, title: 'Concurrency' }), 1),
  },
  { additionalProperties: false },
);
export type LoopParams = ParamsOf<typeof params>;

export const loopSpec: NodeSpec = {
  type: 'loop',
  category: 'flow',
  label: 'Loop',
  description: 'Runs everything downstream of "each" once per item; "done" gets {count, succeeded, failed}.',
  inputs: ['in'],
  outputs: ['each', 'done'],
  paramsSchema: jsonSchema(params),
  ui: { icon: 'repeat', widgets: { items: 'expression' } },
};

export const loopNode: NodeDefinition = { spec: loopSpec };
