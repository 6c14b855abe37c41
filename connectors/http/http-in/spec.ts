import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';
import { Enum, Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';
import { queryParamsSchema, querySpecIssues } from './params.ts';
import { AUTH_SECRETS, AUTH_SHOW_IF, authParams, connectionAuthIssues, credentialIssues } from '../spec-parts.ts';

export const HTTP_IN_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ANY'] as const;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** scheme://host[:port], as a browser sends it in Origin */
const ORIGIN = /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

const params = Type.Object(
  {
    method: withDefault(Enum(HTTP_IN_METHODS, { title: 'Method' }), 'POST'),
    path: Type.String({ minLength: 1, maxLength: 500, title: 'Path', description: 'below /hooks/, e.g. orders/:id' }),
    ...authParams({ apiKeyHeader: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" } }),
    connection: Type.Optional(
      Type.String({
        minLength: 1, title: 'Credentials from connection',
        description: 'an http connection whose auth the caller must present (instead of the settings above)',
      }),
    ),
    query: Type.Optional(
      queryParamsSchema({
        title: 'Query parameters',
        description: 'name → {type: string|integer|number|boolean, required, minimum, maximum, maxLength, default}; a bad value answers 400 naming it, before any run',
      }),
    ),
    cors: Type.Optional(
      Type.Object(
        {
          origins: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, title: 'Allowed origins', description: 'e.g. https://app.example.com, or * for any' }),
          methods: Type.Optional(Type.Array(Enum(CORS_METHODS), { title: 'Allowed methods', description: 'default: the route’s method' })),
          headers: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { title: 'Allowed request headers', description: 'default: Content-Type and the credential header' })),
          exposeHeaders: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { title: 'Headers the page may read', description: 'X-Tributary-Run always' })),
          credentials: Type.Optional(Type.Boolean({ title: 'Allow cookies and HTTP auth', description: 'needs exact origins' })),
          maxAgeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, title: 'Preflight cache (s)', description: 'default 600' })),
        },
        { additionalProperties: false, title: 'CORS', description: 'let pages on other origins call this endpoint (none when unset); preflights are answered without a run' },
      ),
    ),
    maxBodyBytes: withDefault(Type.Integer({ minimum: 0, maximum: 100 * 1024 * 1024, title: 'Body limit (bytes)' }), DEFAULT_MAX_BODY_BYTES),
    responseTimeoutMs: withDefault(Type.Integer({ minimum: 100, maximum: 600_000, title: 'Response timeout (ms)' }), DEFAULT_RESPONSE_TIMEOUT_MS),
    responseMode: withDefault(
      Enum(['wait', 'immediate'], {
        title: 'Response',
        'x-enumLabels': { wait: 'from http-response, else when the run ends', immediate: '202 at once, the run goes on' },
      }),
      'wait',
    ),
  },
  { additionalProperties: false },
);
export type HttpInParams = ParamsOf<typeof params>;

export const httpInSpec: NodeSpec = {
  type: 'http-in',
  category: 'trigger',
  label: 'HTTP in',
  description: 'Serves a route under /hooks/ and starts a run per request; an http-response node answers it.',
  inputs: [],
  outputs: ['out'],
  trigger: { kind: 'event' },
  paramsSchema: jsonSchema(params),
  // credentials are never templates, and are masked in traces
  rawParams: ['path', ...AUTH_SECRETS],
  sensitiveParams: AUTH_SECRETS,
  connectionTypes: ['http'],
  ui: {
    icon: 'globe',
    order: ['method', 'path', 'auth', 'username', 'password', 'token', 'apiKeyHeader', 'apiKey', 'connection', 'query', 'cors', 'responseMode', 'responseTimeoutMs', 'maxBodyBytes'],
    widgets: { connection: 'connection' },
    showIf: { ...AUTH_SHOW_IF, responseTimeoutMs: { responseMode: ['wait'] } },
    help:
      'Emits {payload: body, req:{method, path, params, query, headers}}; credential headers are masked. ' +
      'Without an http-response the caller gets 200 {"runId"} when the run succeeds; when it fails, {"error","code","runId"} ' +
      'by the kind of failure (409 CONFLICT, 400 INVALID_INPUT, 503 UNAVAILABLE, 504 TIMEOUT, 500 FLOW_FAILED), never the error text; ' +
      '504 after the response timeout. Every answer carries the run id in X-Tributary-Run.',
  },
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

function corsIssues(cors: unknown): ValidationIssue[] {
  if (cors === null || typeof cors !== 'object') return [];
  const c = cors as { origins?: unknown; credentials?: unknown };
  const origins = Array.isArray(c.origins) ? c.origins : [];
  const issues: ValidationIssue[] = [];
  origins.forEach((o, i) => {
    if (o !== '*' && (typeof o !== 'string' || !ORIGIN.test(o)))
      issues.push({ path: `cors.origins[${i}]`, message: `${JSON.stringify(o)} is not an origin (scheme://host[:port], no path) or *` });
  });
  if (c.credentials === true && origins.includes('*'))
    issues.push({ path: 'cors.credentials', message: 'cookies and HTTP auth need exact origins, not *' });
  return issues;
}

function validateHttpIn(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof params['path'] === 'string') {
    const problem = hookPathProblem(params['path']);
    if (problem) issues.push({ path: 'path', message: problem });
  }
  issues.push(...querySpecIssues(params['query']), ...corsIssues(params['cors']));
  // with a connection, its credentials are the ones checked
  issues.push(...(typeof params['connection'] === 'string' ? connectionAuthIssues(params) : credentialIssues(params)));
  return issues;
}

export const httpInNode: NodeDefinition = { spec: httpInSpec, logic: { validate: validateHttpIn } };
