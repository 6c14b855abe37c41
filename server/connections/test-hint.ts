/**
 * A plain-language hint for a failed connection test, shown beside the driver's own text: the
 * driver says `connect ECONNREFUSED 127.0.0.1:1` or `ORA-01017`; a new user needs "nothing is
 * listening at 127.0.0.1:1" or "wrong user name or password". Read from the error's code (Node
 * socket codes, MySQL/MariaDB `ER_*`, PostgreSQL SQLSTATE, Oracle `ORA-`/`NJS-` numbers).
 * Pure: no I/O.
 */
import { isRecord } from '../../core/guards.ts';

const REFUSED = new Set(['ECONNREFUSED']);
const UNKNOWN_HOST = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const BAD_LOGIN = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', '28P01', '28000', 'ORA-01017']);
const UNKNOWN_DB = new Set(['ER_BAD_DB_ERROR', '3D000', 'ORA-12514', 'ORA-12505', 'NJS-518']);
const ORACLE_CODE = /\b(ORA-\d{5}|NJS-\d{3})\b/;

export interface HintTarget { host?: unknown; port?: unknown }

/** undefined: no hint for this error (the driver's text stands alone) */
export function connectionTestHint(err: unknown, target: HintTarget = {}): string | undefined {
  const e = isRecord(err) || err instanceof Error ? (err as unknown as Record<string, unknown>) : {};
  const code = codeOf(e);
  if (code === undefined) return undefined;
  if (REFUSED.has(code)) return `nothing is listening at ${where(e, target)}: is the server running, and are host and port right?`;
  if (UNKNOWN_HOST.has(code)) {
    const host = hostOf(e, target);
    return host ? `unknown host ${host}: check the host name` : 'unknown host: check the host name';
  }
  if (BAD_LOGIN.has(code)) return 'wrong user name or password';
  if (UNKNOWN_DB.has(code)) return 'unknown database/service: check the database (or Oracle service) name';
  return undefined;
}

function codeOf(e: Record<string, unknown>): string | undefined {
  if (typeof e['code'] === 'string' && e['code']) return e['code'];
  const fromMessage = typeof e['message'] === 'string' ? ORACLE_CODE.exec(e['message'])?.[1] : undefined;
  if (fromMessage) return fromMessage;
  // AggregateError (a host with several addresses): the first inner error that has a code
  if (Array.isArray(e['errors'])) for (const inner of e['errors']) if (isRecord(inner) && typeof inner['code'] === 'string') return inner['code'];
  return undefined;
}

function hostOf(e: Record<string, unknown>, t: HintTarget): string | undefined {
  for (const h of [t.host, e['hostname'], e['address']]) if (typeof h === 'string' && h) return h;
  return undefined;
}

function where(e: Record<string, unknown>, t: HintTarget): string {
  const host = typeof e['address'] === 'string' ? e['address'] : hostOf(e, t);
  const port = typeof e['port'] === 'number' ? e['port'] : typeof t.port === 'number' || typeof t.port === 'string' ? t.port : undefined;
  if (!host) return 'that address';
  return port === undefined ? host : `${host}:${String(port)}`;
}
