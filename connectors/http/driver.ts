/**
 * The `http` connection type (SPEC §8): a base URL and the credentials every request to it
 * carries. No pool: the "client" is the resolved settings; requests go through Node's fetch.
 */
import type { ConnectionProfileResolved, ConnectionDriver } from '../../server/connections/driver-api.ts';
import { AUTH_KINDS, DEFAULT_API_KEY_HEADER } from './spec-parts.ts';

export type HttpAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'apiKey'; header: string; key: string };

const DEFAULT_TIMEOUT_MS = 10_000;

export interface HttpClient {
  /** without trailing slash */
  baseUrl: string;
  auth: HttpAuth;
  /** the profile's default headers */
  headers: Record<string, string>;
  timeoutMs: number;
  authHeaders(): Record<string, string>;
  /** `url` below baseUrl; an absolute URL must stay on baseUrl's origin so credentials never leave it */
  resolve(url: string): string;
}

export interface AuthSettings { username?: unknown; secret?: unknown; header?: unknown }

/** The auth of `kind` from its settings; throws when a required credential is missing. */
export function authFromSettings(kind: unknown, s: AuthSettings): HttpAuth {
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  switch (kind ?? 'none') {
    case 'none':
      return { kind: 'none' };
    case 'basic':
      if (!text(s.username)) throw new Error('basic authentication needs a username');
      if (!text(s.secret)) throw new Error('basic authentication needs a password');
      return { kind: 'basic', username: text(s.username), password: text(s.secret) };
    case 'bearer':
      if (!text(s.secret)) throw new Error('bearer authentication needs a token');
      return { kind: 'bearer', token: text(s.secret) };
    case 'apiKey':
      if (!text(s.secret)) throw new Error('API key authentication needs a key');
      return { kind: 'apiKey', header: text(s.header) || DEFAULT_API_KEY_HEADER, key: text(s.secret) };
    default:
      throw new Error(`unknown authentication "${String(kind)}" (use ${AUTH_KINDS.join(', ')})`);
  }
}

/** Request headers that present `auth`. */
export function authHeaders(auth: HttpAuth): Record<string, string> {
  switch (auth.kind) {
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
    case 'bearer':
      return { Authorization: `Bearer ${auth.token}` };
    case 'apiKey':
      return { [auth.header]: auth.key };
    default:
      return {};
  }
}

/** `url` joined below `baseUrl` (`https://x/v1` + `orders` → `https://x/v1/orders`, unlike URL resolution). */
export function joinUrl(baseUrl: string, url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const target = new URL(url);
    const base = new URL(baseUrl);
    if (target.origin !== base.origin) {
      throw new Error(`${target.origin} is not the connection's server (${base.origin}); use a path below the base URL`);
    }
    return target.href;
  }
  if (url === '') return baseUrl;
  if (url.startsWith('?')) return baseUrl + url;
  return `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

export function clientFromProfile(profile: ConnectionProfileResolved): HttpClient {
  const p = profile.params;
  const raw = typeof p['baseUrl'] === 'string' ? p['baseUrl'] : '';
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`the base URL "${raw}" is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`the base URL must be http:// or https://, got ${parsed.protocol}`);
  const baseUrl = raw.replace(/\/+$/, '');
  // `headerName` is accepted as an older spelling of `apiKeyHeader`
  const auth = authFromSettings(p['auth'], {
    username: p['username'],
    secret: profile.secrets['secret'],
    header: p['apiKeyHeader'] ?? p['headerName'],
  });
  const headers: Record<string, string> = {};
  const given = p['headers'];
  if (given && typeof given === 'object') for (const [k, v] of Object.entries(given)) if (typeof v === 'string') headers[k] = v;
  const t = p['timeoutMs'];
  return {
    baseUrl,
    auth,
    headers,
    timeoutMs: typeof t === 'number' && t > 0 ? t : DEFAULT_TIMEOUT_MS,
    authHeaders: () => authHeaders(auth),
    resolve: (url) => joinUrl(baseUrl, url),
  };
}

interface CauseLike { code?: unknown; message?: unknown; address?: unknown; port?: unknown; hostname?: unknown; errors?: unknown }

/** A readable reason for a failed fetch: refused port, unknown host, timeout, TLS… */
export function describeFetchError(err: unknown, url: string, timeoutMs: number): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return `timed out after ${timeoutMs} ms (${url})`;
  if (err.name === 'AbortError') return 'the request was cancelled';
  const cause = (err as { cause?: unknown }).cause;
  if (!cause || typeof cause !== 'object') return err.message;
  const c = cause as CauseLike;
  // several addresses tried (IPv6 then IPv4): every one failed the same way, report the first
  const first = Array.isArray(c.errors) && c.errors.length > 0 ? (c.errors[0] as CauseLike) : c;
  const code = typeof c.code === 'string' ? c.code : typeof first.code === 'string' ? first.code : '';
  let host = url;
  let hostname = url;
  try {
    ({ host, hostname } = new URL(url));
  } catch {
    // not a URL: name it as given
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `unknown host "${hostname}" (${code})`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the connection to ${host} was closed by the server`;
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return `connecting to ${host} timed out`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} is unreachable (${code})`;
    default: {
      const message = typeof first.message === 'string' && first.message ? first.message : typeof c.message === 'string' ? c.message : '';
      return message ? `${err.message}: ${message}` : err.message;
    }
  }
}

async function probe(client: HttpClient, method: 'HEAD' | 'GET', timeoutMs: number): Promise<Response> {
  try {
    return await fetch(client.baseUrl, {
      method,
      headers: { ...client.headers, ...client.authHeaders() },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    throw new Error(describeFetchError(err, client.baseUrl, timeoutMs));
  }
}

export const httpDriver: ConnectionDriver<HttpClient> = {
  type: 'http',
  async open(profile) {
    return clientFromProfile(profile);
  },
  async close() {},
  /**
   * A HEAD (GET when HEAD is not allowed) of the base URL. The server answering is success,
   * whatever the status, except 401/403 (credentials refused) and 5xx (server failing).
   */
  async test(profile, timeoutMs) {
    const client = clientFromProfile(profile);
    let res = await probe(client, 'HEAD', timeoutMs);
    if (res.status === 405 || res.status === 501) {
      await res.body?.cancel();
      res = await probe(client, 'GET', timeoutMs);
    }
    await res.body?.cancel();
    const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    if (res.status === 401 || res.status === 403) throw new Error(`${client.baseUrl} refused the credentials (${status})`);
    if (res.status >= 500) throw new Error(`${client.baseUrl} answered ${status}`);
  },
};

export default httpDriver;
