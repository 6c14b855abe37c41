import type { NodeSpec } from '../../core/node-spec.ts';

export const logSpec: NodeSpec = {
  type: 'log',
  category: 'output',
  label: 'Log',
  description: 'Writes a line to the trace, the debug panel and the server log; passes the message on.',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: {
    type: 'object',
    properties: {
      level: { enum: ['debug', 'info', 'warn', 'error'], default: 'info', title: 'Level' },
      message: { default: '${payload}', title: 'Message' },
    },
    additionalProperties: false,
  },
  ui: { icon: 'file-text', widgets: { message: 'expression' } },
};
