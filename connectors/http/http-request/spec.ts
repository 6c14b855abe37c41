import type { NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';

export const HTTP_REQUEST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const MAX_RETRIES = 10;
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** a response is held whole in memory (and parsed on the main thread): larger ones are refused */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export const httpRequestSpec: NodeSpec = {
  type: 'http-request',
  category: 'http',
  label: 'HTTP request',
  description: 'Calls an HTTP API; emits {payload: response body, statusCode, headers}.',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: {
    type: 'object',
    required: ['url'],
    properties: {
      connection: { type: 'string', minLength: 1, title: 'Connection', description: 'an http connection: base URL and credentials' },
      method: { enum: [...HTTP_REQUEST_METHODS], default: 'GET', title: 'Method' },
      url: { type: 'string', minLength: 1, title: 'URL', description: 'absolute, or relative to the connection’s base URL' },
      query: { type: 'object', title: 'Query', description: 'name → value (expressions allowed), added to the URL' },
      headers: {
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        title: 'Headers',
        description: 'name → value (expressions allowed)',
      },
      body: { title: 'Body', description: 'text is sent as is, objects as JSON; nothing when left out' },
      responseType: {
        enum: ['auto', 'json', 'text', 'base64'],
        default: 'auto',
        title: 'Response',
        description: 'auto: JSON by content type, text for text types, a Buffer for binary',
      },
      maxResponseBytes: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_RESPONSE_BYTES,
        default: DEFAULT_MAX_RESPONSE_BYTES,
        title: 'Response size limit (bytes)',
        description: 'a larger response fails the step as soon as it passes the limit (at most 256 MB)',
      },
      timeoutMs: { type: 'integer', minimum: 1, maximum: 600_000, title: 'Timeout (ms)', description: 'default: the connection’s, else 10000' },
      retries: { type: 'integer', minimum: 0, maximum: MAX_RETRIES, default: 0, title: 'Retries', description: 'on network errors, timeouts, 5xx and 429' },
      retryDelayMs: { type: 'integer', minimum: 0, maximum: 60_000, default: 500, title: 'First retry delay (ms)', description: 'doubles each retry; Retry-After is honoured up to 30 s' },
      failOnHttpError: { type: 'boolean', default: true, title: 'Fail on HTTP error status', description: 'off: a 4xx/5xx response is emitted like any other' },
      auth: { enum: ['none', 'basic', 'bearer', 'apiKey'], default: 'none', title: 'Authentication', description: 'without a connection' },
      username: { type: 'string', title: 'User name' },
      password: { type: 'string', title: 'Password' },
      token: { type: 'string', title: 'Bearer token' },
      apiKeyHeader: { type: 'string', minLength: 1, default: 'X-API-Key', title: 'API key header' },
      apiKey: { type: 'string', title: 'API key' },
    },
    additionalProperties: false,
  },
  sensitiveParams: ['password', 'token', 'apiKey'],
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
      username: { auth: ['basic'] },
      password: { auth: ['basic'] },
      token: { auth: ['bearer'] },
      apiKeyHeader: { auth: ['apiKey'] },
      apiKey: { auth: ['apiKey'] },
    },
    help: 'A status outside 2xx fails the step (error names the status) unless "Fail on HTTP error status" is off.',
  },
  validate: validateHttpRequest,
};

function validateHttpRequest(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const auth = params['auth'] ?? 'none';
  const hasConnection = typeof params['connection'] === 'string';
  const url = params['url'];
  if (!hasConnection && typeof url === 'string' && !url.includes('${') && !/^https?:\/\/[^/]/i.test(url)) {
    issues.push({ path: 'url', message: 'must be an absolute http:// or https:// URL (or set a connection for relative URLs)' });
  }
  if (hasConnection && auth !== 'none') issues.push({ path: 'auth', message: 'the connection supplies the credentials; set auth to none' });
  const need = (key: string, label: string): void => {
    const v = params[key];
    if (typeof v !== 'string' || v === '') issues.push({ path: key, message: `${label} is required for ${String(auth)} authentication` });
  };
  if (auth === 'basic') {
    need('username', 'a user name');
    need('password', 'a password');
  } else if (auth === 'bearer') need('token', 'a token');
  else if (auth === 'apiKey') need('apiKey', 'a key');
  const method = params['method'] ?? 'GET';
  if ((method === 'GET' || method === 'HEAD') && params['body'] !== undefined && params['body'] !== null && params['body'] !== '') {
    issues.push({ path: 'body', message: `a ${String(method)} request has no body` });
  }
  return issues;
}
