import type { NodeDefinition, NodeSpec } from '../../../core/node-spec.ts';
import { Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';
import { headersParam } from '../spec-parts.ts';

const params = Type.Object(
  {
    status: withDefault(
      Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ minLength: 1 })], {
        title: 'Status',
        description: 'a status code or an expression giving one',
      }),
      200,
    ),
    headers: Type.Optional(headersParam({ title: 'Headers', description: 'name → value (expressions allowed)' })),
    body: withDefault(Type.Unknown({ title: 'Body', description: 'text is sent as text/plain, anything else as JSON' }), '${payload}'),
    allowScripts: withDefault(
      Type.Boolean({
        title: 'Let an HTML page run scripts',
        description: 'off: the answer is a sandboxed page that runs no scripts and submits no forms',
      }),
      false,
    ),
  },
  { additionalProperties: false },
);
export type HttpResponseParams = ParamsOf<typeof params>;

export const httpResponseSpec: NodeSpec = {
  type: 'http-response',
  category: 'http',
  label: 'HTTP response',
  description: 'Answers the request that started the run (http-in): status, headers and body.',
  inputs: ['in'],
  outputs: [],
  paramsSchema: jsonSchema(params),
  ui: {
    icon: 'reply',
    order: ['status', 'headers', 'body', 'allowScripts'],
    widgets: { status: 'expression', headers: 'keyvalue', body: 'expression' },
    help:
      'Only in runs started by http-in; the first answer wins, later ones are traced and dropped. ' +
      'Every answer carries "Content-Security-Policy: sandbox" and "X-Content-Type-Options: nosniff": a page ' +
      '(Content-Type text/html) is shown, but runs no scripts and submits no forms. "Let an HTML page run scripts" ' +
      'lets its scripts, forms and popups run, still in a sandbox with an origin of its own, so they cannot act ' +
      'with the login of a Tributary user who opens the page. The risk that stays: every visitor runs those scripts, ' +
      'so never put request data into such a page unescaped (cross-site scripting against your visitors). ' +
      'A Content-Security-Policy set in Headers is added to the sandbox, never replaces it.',
  },
};

export const httpResponseNode: NodeDefinition = { spec: httpResponseSpec };
