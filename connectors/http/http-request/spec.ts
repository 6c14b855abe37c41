import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';
import { Enum, FreeObject, Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';
import { AUTH_SECRETS, AUTH_SHOW_IF, authParams, headersParam, connectionAuthIssues, credentialIssues } from '../spec-parts.ts';

export const HTTP_REQUEST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const MAX_RETRIES = 10;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** a response is held whole in memory (and parsed on the main thread): larger ones are refused */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

const params = Type.Object(
  {
    connection: Type.Optional(Type.String({ minLength: 1, title: 'Connection', description: 'an http connection: base URL and credentials' })),
    method: withDefault(Enum(HTTP_REQUEST_METHODS, { title: 'Method' }), 'GET'),
    url: Type.String({ minLength: 1, title: 'URL', description: 'absolute, or relative to the connection’s base URL' }),
    query: Type.Optional(FreeObject({ title: 'Query', description: 'name → value (expressions allowed), added to the URL' })),
    headers: Type.Optional(
      headersParam({ title: 'Headers', description: 'name → value (expressions allowed)' }),
    ),
    body: Type.Optional(Type.Unknown({ title: 'Body', description: 'text is sent as is, objects as JSON; nothing when left out' })),
    responseType: withDefault(
      Enum(['auto', 'json', 'text', 'base64'], {
        title: 'Response',
        description: 'auto: JSON by content type, text for text types, a Buffer for binary',
      }),
      'auto',
    ),
    maxResponseBytes: withDefault(
      Type.Integer({
        minimum: 1,
        maximum: MAX_RESPONSE_BYTES,
        title: 'Response size limit (bytes)',
        description: 'a larger response fails the step as soon as it passes the limit (at most 256 MB)',
      }),
      DEFAULT_MAX_RESPONSE_BYTES,
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000, title: 'Timeout (ms)', description: 'default: the connection’s, else 10000' })),
    retries: withDefault(Type.Integer({ minimum: 0, maximum: MAX_RETRIES, title: 'Retries', description: 'on network errors, timeouts, 5xx and 429' }), 0),
    retryDelayMs: withDefault(
      Type.Integer({ minimum: 0, maximum: 60_000, title: 'First retry delay (ms)', description: 'doubles each retry; Retry-After is honoured up to 30 s' }),
      500,
    ),
    failOnHttpError: withDefault(
      Type.Boolean({ title: 'Fail on HTTP error status', description: 'off: a 4xx/5xx response is emitted like any other' }),
      true,
    ),
    ...authParams({ auth: { description: 'without a connection' }, apiKeyHeader: { minLength: 1 } }),
  },
  { additionalProperties: false },
);
export type HttpRequestParams = ParamsOf<typeof params>;

export const httpRequestSpec: NodeSpec = {
  type: 'http-request',
  category: 'http',
  label: 'HTTP request',
  description: 'Calls an HTTP API; emits {payload: response body, statusCode, headers}.',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: jsonSchema(params),
  sensitiveParams: AUTH_SECRETS,
  // an Authorization / X-API-Key / Cookie header typed in by hand is a credential too
  sensitiveEntries: ['headers'],
  connectionTypes: ['http'],
  ui: {
    icon: 'send',
    order: [
      'connection', 'method', 'url', 'query', 'headers', 'body', 'responseType', 'maxResponseBytes', 'timeoutMs', 'retries', 'retryDelayMs',
      'failOnHttpError', 'auth', 'username', 'password', 'token', 'apiKeyHeader', 'apiKey',
    ],
    widgets: { connection: 'connection', url: 'expression', query: 'keyvalue', headers: 'keyvalue', body: 'expression' },
    showIf: {
      body: { method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] },
      retryDelayMs: { retries: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
      ...AUTH_SHOW_IF,
    },
    help: 'A status outside 2xx fails the step (error names the status) unless "Fail on HTTP error status" is off.',
  },
};

function validateHttpRequest(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const hasConnection = typeof params['connection'] === 'string';
  const url = params['url'];
  if (!hasConnection && typeof url === 'string' && !url.includes('${') && !/^https?:\/\/[^/]/i.test(url)) {
    issues.push({ path: 'url', message: 'must be an absolute http:// or https:// URL (or set a connection for relative URLs)' });
  }
  issues.push(...connectionAuthIssues(params), ...credentialIssues(params));
  const method = params['method'] ?? 'GET';
  if ((method === 'GET' || method === 'HEAD') && params['body'] !== undefined && params['body'] !== null && params['body'] !== '') {
    issues.push({ path: 'body', message: `a ${String(method)} request has no body` });
  }
  return issues;
}

export const httpRequestNode: NodeDefinition = { spec: httpRequestSpec, logic: { validate: validateHttpRequest } };
