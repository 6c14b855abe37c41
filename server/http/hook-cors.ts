/**
 * CORS for /hooks routes, per route (http-in's `cors` setting; none by default): preflights are
 * answered here without starting a run, and answers to allowed origins carry the
 * Access-Control-* headers. A request from an origin that is not allowed is still served (CORS
 * only decides what the page may read) but gets no Access-Control-* header, so the browser
 * withholds the answer; its preflight is refused with 403.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CorsPolicy, HookResponse } from '../engine/node-api.ts';

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** the origin to echo in Access-Control-Allow-Origin, or undefined when it is not allowed */
function allowedOrigin(policy: CorsPolicy, origin: string | undefined): string | undefined {
  if (origin === undefined || origin === '') return undefined;
  if (policy.origins.includes(origin)) return origin;
  // with credentials a browser refuses `*`: the origin itself is echoed (and varies)
  if (policy.origins.includes('*')) return policy.credentials ? origin : '*';
  return undefined;
}

/** true for a CORS preflight (OPTIONS with Access-Control-Request-Method) */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

function refused(error: string): HookResponse {
  return { status: 403, headers: { Vary: 'Origin' }, body: { error, code: 'CORS_REFUSED' } };
}

/** the answer to a preflight for a route with `policy` (undefined: the route allows no other origin) */
export function preflightAnswer(policy: CorsPolicy | undefined, headers: IncomingHttpHeaders): HookResponse {
  const origin = one(headers.origin);
  if (!policy) return refused('this endpoint allows no cross-origin requests');
  const allow = allowedOrigin(policy, origin);
  if (!allow) return refused(`origin ${origin ?? ''} is not allowed`);
  const method = (one(headers['access-control-request-method']) ?? '').toUpperCase();
  if (!policy.methods.includes(method)) return refused(`method ${method} is not allowed from other origins`);
  const asked = (one(headers['access-control-request-headers']) ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const anyHeader = policy.headers.includes('*');
  const notAllowed = anyHeader ? [] : asked.filter((h) => !policy.headers.includes(h));
  if (notAllowed.length > 0) return refused(`request header ${notAllowed.join(', ')} is not allowed from other origins`);
  const out: Record<string, string> = {
    'Access-Control-Allow-Origin': allow,
    'Access-Control-Allow-Methods': policy.methods.join(', '),
    'Access-Control-Max-Age': String(policy.maxAgeSeconds),
    Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
  if (asked.length > 0) out['Access-Control-Allow-Headers'] = asked.join(', ');
  if (policy.credentials) out['Access-Control-Allow-Credentials'] = 'true';
  return { status: 204, headers: out };
}

/** the Access-Control-* headers an answer to `origin` carries (none when it is not allowed) */
export function corsHeaders(policy: CorsPolicy | undefined, headers: IncomingHttpHeaders): Record<string, string> | undefined {
  if (!policy) return undefined;
  const allow = allowedOrigin(policy, one(headers.origin));
  // the answer differs by Origin whenever a policy is set: caches must keep them apart
  if (!allow) return { Vary: 'Origin' };
  const out: Record<string, string> = { 'Access-Control-Allow-Origin': allow, Vary: 'Origin' };
  if (policy.exposeHeaders.length > 0) out['Access-Control-Expose-Headers'] = policy.exposeHeaders.join(', ');
  if (policy.credentials) out['Access-Control-Allow-Credentials'] = 'true';
  return out;
}
