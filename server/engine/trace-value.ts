/** Values as they go into a trace: bounded in size, secrets masked. */

export const TRACE_VALUE_LIMIT = 32 * 1024;

export type Masker = (value: unknown) => unknown;

/** JSON-safe copy of `value`, truncated with a marker when its JSON exceeds `limit` characters. */
export function traceValue(value: unknown, mask: Masker | undefined, limit = TRACE_VALUE_LIMIT): unknown {
  if (value === undefined) return undefined;
  let json: string;
  try {
    json = JSON.stringify(value, jsonReplacer) ?? 'null';
  } catch (err) {
    return { __unserializable: String(err) };
  }
  const plain: unknown = JSON.parse(json);
  const masked = mask ? mask(plain) : plain;
  if (json.length <= limit) return masked;
  const maskedJson = JSON.stringify(masked);
  return { __truncated: true, bytes: json.length, preview: maskedJson.slice(0, limit) };
}

function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return { $binary: Buffer.from((v as { data: number[] }).data).toString('base64') };
  }
  return v;
}
