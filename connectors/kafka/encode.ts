/** Message values as Kafka record parts: what kafka-out writes for key, value and headers. */
import type { IHeaders } from 'kafkajs';

/** Strings as they are, bytes as bytes, null/undefined as no value (a tombstone), anything else as JSON. */
export function valueBytes(v: unknown): Buffer | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return JSON.stringify(v);
}

/** Like a value, but an empty key is no key (the partitioner then spreads records). */
export function keyBytes(v: unknown): Buffer | string | null {
  const key = valueBytes(v);
  return key === '' ? null : key;
}

/** name → value; null/undefined values are left out, a list writes the header once per element. */
export function headerValues(headers: unknown): IHeaders | undefined {
  if (headers === null || headers === undefined || headers === '') return undefined;
  if (typeof headers !== 'object' || Array.isArray(headers) || headers instanceof Uint8Array) {
    throw new TypeError(`headers must be an object of name → value, got ${Array.isArray(headers) ? 'a list' : typeof headers}`);
  }
  const out: IHeaders = {};
  for (const [name, raw] of Object.entries(headers as Record<string, unknown>)) {
    if (raw === null || raw === undefined) continue;
    if (Array.isArray(raw)) {
      out[name] = raw.map(headerValue).filter((x): x is Buffer | string => x !== null);
    } else {
      const one = headerValue(raw);
      if (one !== null) out[name] = one;
    }
  }
  return out;
}

function headerValue(v: unknown): Buffer | string | null {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return valueBytes(v);
}
