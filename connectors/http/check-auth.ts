/** Checks the credentials of an incoming /hooks request; secrets compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HookRequest, HookResponse } from '../../server/engine/node-api.ts';
import type { HttpAuth } from './driver.ts';

/** `undefined` when the request may pass, else the 401 to answer */
export type AuthCheck = (headers: HookRequest['headers']) => HookResponse | undefined;

const REALM = 'tributary';

/** equal strings, in time independent of where they differ (hashing first hides the length) */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function header(headers: HookRequest['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function denied(error: string, challenge?: string): HookResponse {
  return { status: 401, ...(challenge ? { headers: { 'WWW-Authenticate': challenge } } : {}), body: { error, code: 'UNAUTHORIZED' } };
}

export function authCheck(auth: HttpAuth): AuthCheck {
  switch (auth.kind) {
    case 'none':
      return () => undefined;
    case 'basic': {
      const challenge = `Basic realm="${REALM}", charset="UTF-8"`;
      return (headers) => {
        const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header(headers, 'authorization') ?? '');
        if (!m) return denied('basic authentication required', challenge);
        const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const user = colon < 0 ? decoded : decoded.slice(0, colon);
        const pass = colon < 0 ? '' : decoded.slice(colon + 1);
        // both compared, so timing does not tell which one was wrong
        const results = [sameSecret(user, auth.username), sameSecret(pass, auth.password)];
        return results.every(Boolean) ? undefined : denied('invalid user name or password', challenge);
      };
    }
    case 'bearer':
      return (headers) => {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header(headers, 'authorization') ?? '');
        if (!m) return denied('a bearer token is required', `Bearer realm="${REALM}"`);
        return sameSecret(m[1]!, auth.token) ? undefined : denied('invalid token', `Bearer realm="${REALM}", error="invalid_token"`);
      };
    case 'apiKey':
      return (headers) => {
        const given = header(headers, auth.header);
        if (given === undefined) return denied(`the ${auth.header} header is required`);
        return sameSecret(given, auth.key) ? undefined : denied(`invalid ${auth.header}`);
      };
  }
}

/** header names (lower case) that carry the credential, masked in the message */
export function credentialHeaders(auth: HttpAuth): string[] {
  if (auth.kind === 'basic' || auth.kind === 'bearer') return ['authorization'];
  if (auth.kind === 'apiKey') return [auth.header.toLowerCase()];
  return [];
}
