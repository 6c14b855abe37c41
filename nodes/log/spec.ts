import type { NodeDefinition, NodeSpec } from '../../core/node-spec.ts';
import { Enum, Type, jsonSchema, withDefault, type ParamsOf } from '../../core/params-schema.ts';

const params = Type.Object(
  {
    level: withDefault(Enum(['debug', 'info', 'warn', 'error'], { title: 'Level' }), 'info'),
    message: withDefault(Type.Unknown({ title: 'Message' }), '${payload}'),
  },
  { additionalProperties: false },
);
export type LogParams = ParamsOf<typeof params>;

export const logSpec: NodeSpec = {
  type: 'log',
  category: 'output',
  label: 'Log',
  description: 'Writes a line to the trace, the debug panel and the server log; passes the message on.',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: jsonSchema(params),
  ui: { icon: 'file-text', widgets: { message: 'expression' } },
};

export const logNode: NodeDefinition = { spec: logSpec };
