/**
 * Which browser origins may act with a user's session cookie: the server's own origin, as the
 * Host header of the request names it, and the origins of TRIBUTARY_ALLOWED_ORIGINS.
 * Pages on other ports of the same host are other origins: SameSite cookies do not keep them
 * out (same site), this check does.
 */
import type { IncomingHttpHeaders } from 'node:http';

export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  /** `allowed`: full origins such as `https://ops.example.com` (Config.allowedOrigins) */
  constructor(allowed: readonly string[] = []) {
    this.allowed = new Set(allowed);
  }

  /**
   * Whether a request from `origin` to a server reached as `host` may use the cookie.
   * The scheme is not compared, so a TLS proxy in front (https outside, http here) still
   * matches; only one server listens on a host and port.
   */
  allows(origin: string, host: string | undefined): boolean {
    const from = parseHttpOrigin(origin);
    if (!from) return false; // "null" (sandboxed pages, file:), or not http(s)
    if (this.allowed.has(from.origin)) return true;
    if (!host) return false;
    try {
      return new URL(`${from.protocol}//${host}`).host === from.host;
    } catch {
      return false;
    }
  }
}

export function parseHttpOrigin(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** the Origin header, else the origin of the Referer; undefined when the request has neither */
export function requestOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== '') return origin;
  const referer = headers.referer;
  if (typeof referer !== 'string' || referer === '') return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}
