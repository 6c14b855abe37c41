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
