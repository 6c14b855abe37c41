/**
 * The `incremental` param of a select: which rows a run reads next, and the watermark it keeps.
 * Pure (the editor's save-time check imports it through the spec).
 *
 * Modes, as Kafka Connect's JDBC source names them:
 * - `incrementing`: `column` only grows (an id); rows above the watermark are read.
 * - `timestamp`: `column` is a time; only rows older than the database's own clock minus
 *   `delayMs` are read, so a transaction that commits within the delay is still seen.
 * - `timestamp+incrementing`: `timestamp` with a `key` (an id) breaking ties.
 * With a `key` (any mode) the watermark is the pair `(column, key)` and rows are read in
 * that order, so rows sharing a column value at a `limit` boundary are never lost.
 */
import type { ValidationIssue } from '../../core/node-spec.ts';
import { SqlParamError, checkIdent, identProblem } from './identifiers.ts';

export const INCREMENTAL_MODES = ['incrementing', 'timestamp', 'timestamp+incrementing'] as const;
export type IncrementalMode = (typeof INCREMENTAL_MODES)[number];

export interface Incremental {
  column: string;
  /** a unique column that orders rows sharing a `column` value */
  key?: string;
  mode: IncrementalMode;
  /** timestamp modes: rows newer than the database's clock minus this are left for a later run */
  delayMs: number;
  initial?: unknown;
}

/** Where the last run stopped: the exact text of the column (and key) of the last row read. */
export interface Position {
  column: string;
  key?: string;
}

/** the largest delay accepted: a day */
export const MAX_DELAY_MS = 86_400_000;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const hasExpr = (v: unknown): boolean => typeof v === 'string' && v.includes('${');
const given = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export const isTimestampMode = (mode: IncrementalMode): boolean => mode !== 'incrementing';

function modeProblem(mode: unknown): string | undefined {
  if (!given(mode) || INCREMENTAL_MODES.includes(mode as IncrementalMode)) return undefined;
  return `must be one of ${INCREMENTAL_MODES.join(', ')}, got ${JSON.stringify(mode)}`;
}

function delayProblem(delay: unknown, mode: IncrementalMode): string | undefined {
  if (!given(delay)) return undefined;
  const n = typeof delay === 'string' ? Number(delay.trim()) : delay;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > MAX_DELAY_MS)
    return `must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}, got ${JSON.stringify(delay)}`;
  if (!isTimestampMode(mode)) return 'applies only to the timestamp and timestamp+incrementing modes (the column must be a time)';
  return undefined;
}

/** The incremental read of resolved params, or undefined when none is asked for; throws SqlParamError naming the field. */
export function readIncremental(raw: unknown, maxIdent: number): Incremental | undefined {
  if (!isRecord(raw) || !given(raw['column'])) return undefined;
  const path = 'params.incremental';
  const column = checkIdent(raw['column'], maxIdent, `${path}.column`);
  const badMode = modeProblem(raw['mode']);
  if (badMode) throw new SqlParamError(`${path}.mode`, badMode);
  const mode = (given(raw['mode']) ? raw['mode'] : 'incrementing') as IncrementalMode;
  const key = given(raw['key']) ? checkIdent(raw['key'], maxIdent, `${path}.key`) : undefined;
  if (mode === 'timestamp+incrementing' && key === undefined)
    throw new SqlParamError(`${path}.key`, 'the timestamp+incrementing mode needs a key column (a unique, growing id)');
  if (key !== undefined && key === column) throw new SqlParamError(`${path}.key`, `must be another column than the incremental column "${column}"`);
  const badDelay = delayProblem(raw['delayMs'], mode);
  if (badDelay) throw new SqlParamError(`${path}.delayMs`, badDelay);
  const inc: Incremental = { column, mode, delayMs: given(raw['delayMs']) ? Number(raw['delayMs']) : 0 };
  if (key !== undefined) inc.key = key;
  if (raw['initial'] !== undefined) inc.initial = raw['initial'];
  return inc;
}

/** Save-time problems of the `incremental` param as saved (expressions are left for run time). */
export function incrementalIssues(raw: unknown, maxIdent: number): ValidationIssue[] {
  if (!isRecord(raw)) return [];
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string | undefined): void => {
    if (message !== undefined) issues.push({ path: `incremental.${path}`, message });
  };
  if (!hasExpr(raw['column'])) add('column', identProblem(raw['column'], maxIdent));
  if (hasExpr(raw['mode'])) return issues;
  add('mode', modeProblem(raw['mode']));
  const mode = (INCREMENTAL_MODES.includes(raw['mode'] as IncrementalMode) ? raw['mode'] : 'incrementing') as IncrementalMode;
  const key = raw['key'];
  if (given(key) && !hasExpr(key)) add('key', identProblem(key, maxIdent) ?? (key === raw['column'] ? 'must be another column than the incremental column' : undefined));
  if (mode === 'timestamp+incrementing' && !given(key)) add('key', 'the timestamp+incrementing mode needs a key column (a unique, growing id)');
  if (!hasExpr(raw['delayMs'])) add('delayMs', delayProblem(raw['delayMs'], mode));
  return issues;
}

/**
 * The stored watermark as a position: a string is the column's text (what earlier versions
 * kept), an object `{column, key}` the pair. Nothing stored: the `initial` value, if any.
 */
export function startPosition(stored: unknown, inc: Incremental): Position | undefined {
  if (typeof stored === 'string' || typeof stored === 'number' || typeof stored === 'bigint') return { column: String(stored) };
  if (isRecord(stored) && given(stored['column'])) {
    const p: Position = { column: String(stored['column']) };
    if (given(stored['key'])) p.key = String(stored['key']);
    return p;
  }
  if (!given(inc.initial)) return undefined;
  return { column: inc.initial instanceof Date ? inc.initial.toISOString() : String(inc.initial as string | number) };
}

/** What is stored for a position: the column's text alone when there is no key (as before). */
export function storedPosition(p: Position): string | Position {
  return p.key === undefined ? p.column : { column: p.column, key: p.key };
}
