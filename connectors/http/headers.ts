/** Header maps from resolved params: names checked, values made strings, empty values left out. */
import { NodeError } from '../../server/engine/node-api.ts';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `{name: value}` with string values; null/undefined values are left out; throws a NodeError on a bad name or value */
export function headerMap(value: unknown, what = 'headers'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new NodeError(`${what} must be an object of name → value`, 'BAD_HEADERS', false);
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (raw === undefined || raw === null) continue;
    if (!TOKEN.test(name)) throw new NodeError(`"${name}" is not a valid header name`, 'BAD_HEADERS', false);
    const text = typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    if (/[\r\n\0]/.test(text)) throw new NodeError(`the value of header "${name}" contains a line break`, 'BAD_HEADERS', false);
    out[name] = text;
  }
  return out;
}

export function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((k) => k.toLowerCase() === lower);
}
