/** The comparison of one switch rule. Numbers compare as numbers when both sides are numeric. */
import type { SWITCH_OPS } from './spec.ts';
import { compileRegex, type LinearRegex } from '../../core/linear-regex.ts';

export type SwitchOp = (typeof SWITCH_OPS)[number];

/** `regex` is the compiled `arg` of a regex rule (compiled here when not given). */
export function matches(op: SwitchOp, value: unknown, arg: unknown, regex?: LinearRegex): boolean {
  switch (op) {
    case 'eq':
      return looseEqual(value, arg);
    case 'neq':
      return !looseEqual(value, arg);
    case 'gt':
      return compare(value, arg) > 0;
    case 'gte':
      return compare(value, arg) >= 0;
    case 'lt':
      return compare(value, arg) < 0;
    case 'lte':
      return compare(value, arg) <= 0;
    case 'contains':
      if (Array.isArray(value)) return value.some((v) => looseEqual(v, arg));
      return typeof value === 'string' && value.includes(String(arg));
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(arg));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(arg));
    case 'regex':
      return typeof value === 'string' && (regex ?? compileRegex(String(arg ?? ''))).test(value);
    case 'exists':
      return value !== undefined && value !== null;
    case 'empty':
      return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) ||
        (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);
  }
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function looseEqual(a: unknown, b: unknown): boolean {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/** NaN (no match) when the sides are not comparable. */
function compare(a: unknown, b: unknown): number {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number.NaN;
}
