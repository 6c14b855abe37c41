/**
 * Value conversions shared by the dialects before a value is bound. Server side (Buffer).
 */
import { isPlainObject } from '../../core/guards.ts';

export { isPlainObject };

/**
 * An instant in ISO-8601 with a zone: `2024-05-01T10:00:00Z`, `…T10:00:00.123456+02:00`.
 * This is how a Date looks after a JSON trip (script node, HTTP body); MySQL and Oracle do not
 * parse it themselves, so their dialects bind it as a timestamp.
 */
export const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** Binary values that lost their class on the way (structuredClone, JSON) become Buffers again. */
export function toBuffer(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (isPlainObject(value) && value['type'] === 'Buffer' && Array.isArray(value['data']) && Object.keys(value).length === 2)
    return Buffer.from(value['data'] as number[]);
  return undefined;
}

/** Objects and arrays written into a column are stored as JSON text (JSON/JSONB/CLOB columns). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A value with `undefined` as null and binary data as a Buffer; everything else as is. */
export function baseValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  return toBuffer(value) ?? value;
}

/** ms-precision Date for an ISO instant string, or undefined */
export function parseInstant(text: string): Date | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Date-times are read as ISO-8601 UTC text with at least six fraction digits
 * (`2024-05-01T10:20:30.123456Z`): a JS Date holds milliseconds only, and DATETIME(6),
 * timestamp(6) and Oracle TIMESTAMP hold microseconds (TIMESTAMP(9) nanoseconds: nine digits
 * then, when the last three are not zero). The same text written back binds to the microsecond.
 */
const WALL_TEXT = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/;
const ZONED_TEXT = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))? ?(Z|[+-]\d{2}(?::?\d{2})?)$/;

function fraction(digits: string | undefined): string {
  const f = (digits ?? '').padEnd(9, '0');
  return f.endsWith('000') ? f.slice(0, 6) : f;
}

/** a wall time the database sends as text (UTC by the session's zone) as ISO UTC; other text as is */
export function isoFromWallText(text: string): string {
  const m = WALL_TEXT.exec(text);
  return m ? `${m[1]}T${m[2]}.${fraction(m[3])}Z` : text;
}

/** an instant with a zone (`… +02:00`, `…+00`, `…Z`) as ISO UTC, fraction digits kept; other text as is */
export function isoFromZonedText(text: string): string {
  const m = ZONED_TEXT.exec(text);
  if (!m) return text;
  const [, day, time, frac, zone] = m as unknown as [string, string, string, string | undefined, string];
  const offset = zoneMinutes(zone);
  if (offset === 0) return `${day}T${time}.${fraction(frac)}Z`;
  // shift the whole seconds through a Date; the fraction does not change with the zone
  const whole = new Date(`${day}T${time}Z`).getTime() - offset * 60_000;
  if (Number.isNaN(whole)) return text;
  return `${new Date(whole).toISOString().slice(0, 19)}.${fraction(frac)}Z`;
}

function zoneMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone[0] === '-' ? -minutes : minutes;
}

/** an ISO instant string as UTC text `YYYY-MM-DD HH:MM:SS.fffffffff` (nine digits), or undefined */
export function utcWallText(text: string): string | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const m = ZONED_TEXT.exec(isoFromZonedText(text));
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(9, '0')}` : undefined;
}

const TWO_POW_53 = 2n ** 53n;

/**
 * A BIGINT / DECIMAL / NUMBER sent as text, as a JSON answer should carry it: a number when
 * the number means exactly that value (integers with |n| ≤ 2^53; decimals whose shortest
 * double prints back the same digits), else the text unchanged (`9007199254740993`,
 * `12345678901234567890.0123456789`, `NaN`).
 */
export function exactNumber(text: string): number | string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const intPart = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac === '') {
    const big = BigInt(intPart);
    if (big > TWO_POW_53) return text;
    return m[1] && big !== 0n ? -Number(big) : Number(big);
  }
  const canonical = `${m[1]}${intPart}.${frac}`;
  const n = Number(canonical);
  return String(n) === canonical ? n : text;
}
