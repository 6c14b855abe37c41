/** A consumed Kafka record as a Tributary message (SPEC §5), its value read in the node's format. */
import type { Message } from '../../core/flow-types.ts';
import type { Format } from './kafka-in/spec.ts';
import { errorMessage } from '../../core/guards.ts';

/** The raw parts of a record, as kafkajs delivers them. */
export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export type Decoded = { msg: Message; error?: undefined } | { msg: Message; error: string };

/**
 * `{payload, key, topic, partition, offset, headers, timestamp}`. A value that does not parse
 * (format json) gives `error` and a message whose payload is the value as text, so the failed
 * run shows what arrived. A null value (tombstone) is a null payload in every format.
 */
export function decodeRecord(topic: string, partition: number, record: RawRecord, format: Format): Decoded {
  const base: Message = {
    payload: null,
    key: record.key === null ? null : record.key.toString('utf8'),
    topic,
    partition,
    offset: Number(record.offset),
    headers: headerStrings(record.headers),
    timestamp: isoTime(record.timestamp),
  };
  const value = record.value;
  if (value === null) return { msg: base };
  if (format === 'base64') return { msg: { ...base, payload: value.toString('base64') } };
  const text = value.toString('utf8');
  if (format === 'text') return { msg: { ...base, payload: text } };
  try {
    return { msg: { ...base, payload: JSON.parse(text) as unknown } };
  } catch (err) {
    const reason = errorMessage(err);
    return { msg: { ...base, payload: text }, error: `value at ${topic}[${partition}] offset ${record.offset} is not JSON (${reason})` };
  }
}

/** Header values as UTF-8 strings; a header repeated in the record becomes a list. */
export function headerStrings(headers: RawRecord['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    out[name] = Array.isArray(raw) ? raw.map(text) : text(raw);
  }
  return out;
}

function text(v: Buffer | string): string {
  return typeof v === 'string' ? v : v.toString('utf8');
}

function isoTime(ms: string): string | null {
  const n = Number(ms);
  return Number.isFinite(n) && n >= 0 ? new Date(n).toISOString() : null;
}
