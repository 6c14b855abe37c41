import { binaryLabel, labelBinary } from './binary.ts';

/** Deep copy of a message for fan-out: plain data, Buffers and Dates keep their types (and binary its media type). */
export function cloneValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return labelled(value, Buffer.from(value)) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (ArrayBuffer.isView(value)) return labelled(value, structuredClone(value));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = cloneValue((value as Record<string, unknown>)[key]);
  return out as T;
}

function labelled<B extends ArrayBufferView>(from: ArrayBufferView, copy: B): B {
  const label = binaryLabel(from);
  if (label !== undefined) labelBinary(copy, label);
  return copy;
}
