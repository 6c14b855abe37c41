/** Small JSON helpers. */

export { isRecord } from '../../../core/guards.ts';

export function pretty(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Text typed where any value may go: JSON when it reads as a number, boolean, null, object
 * or array; otherwise the text itself (so `${payload.x}` and `abc` stay strings).
 */
export function parseLiteral(text: string): unknown {
  if (text === '') return undefined;
  const parsed = parseJson(text);
  if (parsed.ok && typeof parsed.value !== 'string') return parsed.value;
  if (parsed.ok && /^\s*"/.test(text)) return parsed.value;
  return text;
}

/** the inverse of parseLiteral: strings as they are unless they would read back as something else */
export function showLiteral(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return parseLiteral(value) === value ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? '';
}

/** a copy of `obj` without `key` when `value` is undefined, else with it set */
export function withKey<T extends Record<string, unknown>>(obj: T, key: string, value: unknown): T {
  const next: Record<string, unknown> = { ...obj };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as T;
}
