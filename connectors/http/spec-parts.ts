/**
 * Params the http node types share: a header map, and the credentials http-in and http-request
 * take when no connection supplies them (schemas, form hints and save-time checks). Pure.
 */
import type { ValidationIssue } from '../../core/node-spec.ts';
import { Enum, Type, withDefault, type SchemaOptions } from '../../core/params-schema.ts';

/** name → value (expressions allowed) */
export function headersParam(options: SchemaOptions) {
  return Type.Unsafe<Record<string, string | number | boolean | null>>({
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    ...options,
  });
}

export const AUTH_KINDS = ['none', 'basic', 'bearer', 'apiKey'] as const;
export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

/** auth, username, password, token, apiKeyHeader, apiKey (the node's own wording where it differs) */
export function authParams(o: { auth?: SchemaOptions; apiKeyHeader: SchemaOptions }) {
  return {
    auth: withDefault(Enum(AUTH_KINDS, { title: 'Authentication', ...o.auth }), 'none'),
    username: Type.Optional(Type.String({ title: 'User name' })),
    password: Type.Optional(Type.String({ title: 'Password' })),
    token: Type.Optional(Type.String({ title: 'Bearer token' })),
    apiKeyHeader: withDefault(Type.String({ ...o.apiKeyHeader, title: 'API key header' }), DEFAULT_API_KEY_HEADER),
    apiKey: Type.Optional(Type.String({ title: 'API key' })),
  };
}

/** credentials: stored apart from the flow, masked everywhere */
export const AUTH_SECRETS = ['password', 'token', 'apiKey'];

/** each credential field shown only for its kind of authentication */
export const AUTH_SHOW_IF: Record<string, Record<string, unknown[]>> = {
  username: { auth: ['basic'] },
  password: { auth: ['basic'] },
  token: { auth: ['bearer'] },
  apiKeyHeader: { auth: ['apiKey'] },
  apiKey: { auth: ['apiKey'] },
};

/** a connection brings its own credentials: the node's auth must then be none */
export function connectionAuthIssues(params: Record<string, unknown>): ValidationIssue[] {
  const auth = params['auth'] ?? 'none';
  return typeof params['connection'] === 'string' && auth !== 'none'
    ? [{ path: 'auth', message: 'the connection supplies the credentials; set auth to none' }]
    : [];
}

/** the credentials the chosen authentication needs */
export function credentialIssues(params: Record<string, unknown>): ValidationIssue[] {
  const auth = params['auth'] ?? 'none';
  const issues: ValidationIssue[] = [];
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
