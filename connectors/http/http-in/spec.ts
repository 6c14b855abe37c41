import type { NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';

export const HTTP_IN_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ANY'] as const;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;

export const httpInSpec: NodeSpec = {
  type: 'http-in',
  category: 'trigger',
  label: 'HTTP in',
  description: 'Serves a route under /hooks/ and starts a run per request; an http-response node answers it.',
  inputs: [],
  outputs: ['out'],
  trigger: true,
  paramsSchema: {
    type: 'object',
    required: ['path'],
    properties: {
      method: { enum: [...HTTP_IN_METHODS], default: 'POST', title: 'Method' },
      path: { type: 'string', minLength: 1, maxLength: 500, title: 'Path', description: 'below /hooks/, e.g. orders/:id' },
      auth: { enum: ['none', 'basic', 'bearer', 'apiKey'], default: 'none', title: 'Authentication' },
      username: { type: 'string', title: 'User name' },
      password: { type: 'string', title: 'Password' },
      token: { type: 'string', title: 'Bearer token' },
      apiKeyHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", default: 'X-API-Key', title: 'API key header' },
      apiKey: { type: 'string', title: 'API key' },
      connection: { type: 'string', minLength: 1, title: 'Credentials from connection', description: 'an http connection whose auth the caller must present (instead of the settings above)' },
      maxBodyBytes: { type: 'integer', minimum: 0, maximum: 100 * 1024 * 1024, default: DEFAULT_MAX_BODY_BYTES, title: 'Body limit (bytes)' },
      responseTimeoutMs: { type: 'integer', minimum: 100, maximum: 600_000, default: DEFAULT_RESPONSE_TIMEOUT_MS, title: 'Response timeout (ms)' },
      responseMode: {
        enum: ['wait', 'immediate'],
        default: 'wait',
        title: 'Response',
        'x-enumLabels': { wait: 'from http-response, else when the run ends', immediate: '202 at once, the run goes on' },
      },
    },
    additionalProperties: false,
  },
  // credentials are never templates, and are masked in traces
  rawParams: ['path', 'password', 'token', 'apiKey'],
  sensitiveParams: ['password', 'token', 'apiKey'],
  connectionTypes: ['http'],
  ui: {
    icon: 'globe',
    order: ['method', 'path', 'auth', 'username', 'password', 'token', 'apiKeyHeader', 'apiKey', 'connection', 'responseMode', 'responseTimeoutMs', 'maxBodyBytes'],
    widgets: { connection: 'connection' },
    showIf: {
      username: { auth: ['basic'] },
      password: { auth: ['basic'] },
      token: { auth: ['bearer'] },
      apiKeyHeader: { auth: ['apiKey'] },
      apiKey: { auth: ['apiKey'] },
      responseTimeoutMs: { responseMode: ['wait'] },
    },
    help:
      'Emits {payload: body, req:{method, path, params, query, headers}}; credential headers are masked. ' +
      'Without an http-response the caller gets 200 {"runId"} when the run succeeds, 500 {"error","runId"} when it fails, ' +
      '504 after the response timeout. Every answer carries the run id in X-Tributary-Run.',
  },
  validate: validateHttpIn,
};

const SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAM = /^:[A-Za-z_][A-Za-z0-9_]*$/;

/** the path without leading/trailing slashes (`/orders/:id/` → `orders/:id`) */
export function normalizeHookPath(path: string): string {
  return path.trim().replace(/^\/+/, '').replace(/\/+$/, '');
}

/** why `path` cannot be served, or undefined */
export function hookPathProblem(path: string): string | undefined {
  const normal = normalizeHookPath(path);
  if (normal === '') return 'the path is empty';
  const names = new Set<string>();
  for (const seg of normal.split('/')) {
    if (seg === '') return 'the path has an empty segment (//)';
    if (PARAM.test(seg)) {
      if (names.has(seg)) return `the parameter ${seg} appears twice`;
      names.add(seg);
      continue;
    }
    if (!SEGMENT.test(seg) || seg === '.' || seg === '..') {
      return `"${seg}" is not a valid path segment (letters, digits, . _ ~ - or :name)`;
    }
  }
  return undefined;
}

function validateHttpIn(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof params['path'] === 'string') {
    const problem = hookPathProblem(params['path']);
    if (problem) issues.push({ path: 'path', message: problem });
  }
  const auth = params['auth'] ?? 'none';
  if (typeof params['connection'] === 'string') {
    if (auth !== 'none') issues.push({ path: 'auth', message: 'the connection supplies the credentials; set auth to none' });
    return issues;
  }
  const need = (key: string, label: string): void => {
    const v = params[key];
    if (typeof v !== 'string' || v === '') issues.push({ path: key, message: `${label} is required for ${String(auth)} authentication` });
  };
  if (auth === 'basic') {
    need('username', 'a user name');
    need('password', 'a password');
  } else if (auth === 'bearer') need('token', 'a token');
  else if (auth === 'apiKey') need('apiKey', 'a key');
  return issues;
}
