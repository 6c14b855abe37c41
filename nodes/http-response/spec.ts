import type { NodeSpec } from '../../core/node-spec.ts';

export const httpResponseSpec: NodeSpec = {
  type: 'http-response',
  category: 'http',
  label: 'HTTP response',
  description: 'Answers the request that started the run (http-in): status, headers and body.',
  inputs: ['in'],
  outputs: [],
  paramsSchema: {
    type: 'object',
    properties: {
      status: {
        anyOf: [{ type: 'integer', minimum: 100, maximum: 599 }, { type: 'string', minLength: 1 }],
        default: 200,
        title: 'Status',
        description: 'a status code or an expression giving one',
      },
      headers: {
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        title: 'Headers',
        description: 'name → value (expressions allowed)',
      },
      body: { default: '${payload}', title: 'Body', description: 'text is sent as text/plain, anything else as JSON' },
    },
    additionalProperties: false,
  },
  ui: {
    icon: 'reply',
    order: ['status', 'headers', 'body'],
    widgets: { status: 'expression', headers: 'keyvalue', body: 'expression' },
    help: 'Only in runs started by http-in; the first answer wins, later ones are traced and dropped.',
  },
};
