/**
 * Reading and checking the SQL nodes' params. `readParams` turns resolved params into a typed
 * plan input (throwing SqlParamError naming the param); `paramIssues` is the save-time check
 * on params as saved, skipping what only expressions decide. Pure.
 */
import type { ValidationIssue } from '../../core/node-spec.ts';
import {
  SqlParamError,
  identProblem,
  listParam,
  orderProblem,
  parseOrderItem,
  parseTable,
  tableProblem,
  checkIdent,
  type OrderItem,
  type TableName,
} from './identifiers.ts';
import { findNamedBinds, type SqlLexicon } from './named-binds.ts';
import { incrementalIssues, readIncremental, type Incremental } from './incremental.ts';

/** the incremental param's choices, for the spec (which imports only this file of the pure helpers) */
export { INCREMENTAL_MODES, MAX_DELAY_MS } from './incremental.ts';
import { isRecord } from '../../core/guards.ts';

export const ACTIONS = ['select', 'insert', 'upsert', 'update', 'delete', 'sql'] as const;
export type SqlAction = (typeof ACTIONS)[number];

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_BACKOFF_MS = 1000;
export const MAX_ATTEMPTS = 100;
/** most rows one page of a paged select holds */
export const MAX_PAGING_SIZE = 100_000;

export interface SqlParams {
  connection: string;
  action: SqlAction;
  table?: TableName;
  fields: string[];
  where?: string;
  binds: Record<string, unknown>;
  orderBy: OrderItem[];
  limit?: number;
  incremental?: Incremental;
  /** select one page: `size` rows after `(page - 1) * size`, with the total row count when `total` */
  paging?: { page: number; size: number; total: boolean };
  /** lazy: column → expression, or one expression giving the row object; resolved per row */
  values?: unknown;
  keys: string[];
  /** columns every written row must have (not null), each with the message field it comes from, for errors */
  required: RequiredColumn[];
  batchSize: number;
  /**
   * insert/upsert: tries per record that the database rejects (or per batch for errors of no
   * known kind) before the record is dead-lettered or the run fails; 1 = no retry
   */
  maxAttempts: number;
  /** first wait between attempts, doubled each time, at most 30 s */
  backoffMs: number;
  /** insert/upsert: the table that receives the records the database rejects (created if missing) */
  deadLetter?: { table: TableName };
  sql?: string;
  pageSize: number;
  /** insert/upsert: write each page of an incremental select with its source position in one target transaction */
  exactlyOnce: boolean;
}

export interface RequiredColumn {
  column: string;
  /** the message field the column is mapped from (`data.deviceId`), named in errors */
  source?: string;
}

/**
 * `required`: a list of column names (`["device_id"]`, `"device_id, status"`), or an object
 * column → the message field it comes from (`{"device_id": "data.deviceId"}`, what the
 * templates give from their mapping).
 */
export function readRequired(raw: unknown, maxIdent: number): RequiredColumn[] {
  if (isRecord(raw))
    return Object.entries(raw).map(([column, source]) => {
      checkIdent(column, maxIdent, `params.required.${column}`);
      if (source !== true && typeof source !== 'string') throw new SqlParamError(`params.required.${column}`, 'must be the message field the column comes from, or true');
      return typeof source === 'string' && source.trim() !== '' ? { column, source: source.trim() } : { column };
    });
  if (raw !== undefined && raw !== null && raw !== '' && typeof raw !== 'string' && !Array.isArray(raw))
    throw new SqlParamError('params.required', 'must be a list of column names or an object of column → message field');
  return listParam(raw).map((c, i) => ({ column: checkIdent(c, maxIdent, `params.required[${i}]`) }));
}

const TABLE_ACTIONS: ReadonlySet<string> = new Set(['select', 'insert', 'upsert', 'update', 'delete']);

const hasExpr = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function positiveInt(v: unknown, path: string, fallback: number | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max)
    throw new SqlParamError(path, `must be ${min === 1 ? 'a positive integer' : `an integer from ${min}`}${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got ${JSON.stringify(v)}`);
  return n;
}

/** `deadLetter`: a table name (table or schema.table) */
function readDeadLetter(raw: unknown, action: SqlAction, maxIdent: number): SqlParams['deadLetter'] {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (action !== 'insert' && action !== 'upsert') throw new SqlParamError('params.deadLetter', 'only insert and upsert dead-letter the records the database rejects');
  return { table: parseTable(raw, maxIdent, 'params.deadLetter') };
}

function exactlyOnceProblem(v: unknown, action: string): string | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (v !== true) return `must be true or false, got ${JSON.stringify(v)}`;
  return action === 'insert' || action === 'upsert' ? undefined : 'applies only to the insert and upsert actions';
}

function readExactlyOnce(v: unknown, action: string): boolean {
  const problem = exactlyOnceProblem(v, action);
  if (problem) throw new SqlParamError('params.exactlyOnce', problem);
  return v === true;
}

function readPaging(raw: Record<string, unknown>): NonNullable<SqlParams['paging']> {
  const page = positiveInt(raw['page'], 'params.paging.page', 1)!;
  const size = positiveInt(raw['size'], 'params.paging.size', undefined);
  if (size === undefined) throw new SqlParamError('params.paging.size', 'a paged select needs the page size');
  if (size > MAX_PAGING_SIZE) throw new SqlParamError('params.paging.size', `must be at most ${MAX_PAGING_SIZE}, got ${size}`);
  // the offset stays an exact integer
  if ((page - 1) * size > Number.MAX_SAFE_INTEGER) throw new SqlParamError('params.paging.page', `is too large for pages of ${size}`);
  return { page, size, total: raw['total'] !== false };
}

/** Typed params from resolved params; throws SqlParamError on the first problem. */
export function readParams(raw: Record<string, unknown>, maxIdent: number): SqlParams {
  const action = (raw['action'] ?? 'select') as SqlAction;
  if (!ACTIONS.includes(action)) throw new SqlParamError('params.action', `must be one of ${ACTIONS.join(', ')}`);
  const needsTable = TABLE_ACTIONS.has(action);
  const binds = raw['binds'] ?? {};
  if (!isRecord(binds)) throw new SqlParamError('params.binds', 'must be an object of name → value');
  const incremental = readIncremental(raw['incremental'], maxIdent);
  const values = raw['values'];
  if (isRecord(values)) for (const key of Object.keys(values)) checkIdent(key, maxIdent, `params.values.${key}`);

  const p: SqlParams = {
    connection: String(raw['connection'] ?? ''),
    action,
    fields: listParam(raw['fields']).map((f, i) => (f === '*' ? '*' : checkIdent(f, maxIdent, `params.fields[${i}]`))).filter((f) => f !== '*'),
    binds,
    orderBy: listParam(raw['orderBy']).map((o, i) => parseOrderItem(o, maxIdent, `params.orderBy[${i}]`)),
    keys: listParam(raw['keys']).map((k, i) => checkIdent(k, maxIdent, `params.keys[${i}]`)),
    required: readRequired(raw['required'], maxIdent),
    batchSize: positiveInt(raw['batchSize'], 'params.batchSize', DEFAULT_BATCH_SIZE)!,
    maxAttempts: positiveInt(raw['maxAttempts'], 'params.maxAttempts', 1, 1, MAX_ATTEMPTS)!,
    backoffMs: positiveInt(raw['backoffMs'], 'params.backoffMs', DEFAULT_BACKOFF_MS, 0, 600_000)!,
    pageSize: positiveInt(raw['pageSize'], 'params.pageSize', DEFAULT_PAGE_SIZE)!,
    exactlyOnce: readExactlyOnce(raw['exactlyOnce'], action),
  };
  if (needsTable) p.table = parseTable(raw['table'], maxIdent);
  const where = text(raw['where']);
  if (where !== undefined) p.where = where;
  const limit = positiveInt(raw['limit'], 'params.limit', undefined);
  if (limit !== undefined) p.limit = limit;
  if (incremental) p.incremental = incremental;
  const deadLetter = readDeadLetter(raw['deadLetter'], action, maxIdent);
  if (deadLetter) p.deadLetter = deadLetter;
  const paging = raw['paging'];
  if (isRecord(paging) && action === 'select') p.paging = readPaging(paging);
  if (values !== undefined && values !== null && values !== '') p.values = values;
  const sql = text(raw['sql']);
  if (sql !== undefined) p.sql = sql;

  if (action === 'sql' && p.sql === undefined) throw new SqlParamError('params.sql', 'the sql action needs a statement');
  if (action === 'upsert' && p.keys.length === 0) throw new SqlParamError('params.keys', 'upsert needs the key columns');
  if ((action === 'update' || action === 'delete') && p.keys.length === 0 && p.where === undefined)
    throw new SqlParamError('params.keys', `${action} needs key columns (or a where condition)`);
  return p;
}

/** Save-time problems with params as saved (expressions are left for run time). */
export function paramIssues(raw: Record<string, unknown>, maxIdent: number, lexicon: SqlLexicon): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string | undefined): void => {
    if (message !== undefined) issues.push({ path, message });
  };
  const action = typeof raw['action'] === 'string' ? raw['action'] : 'select';
  const table = raw['table'];
  if (TABLE_ACTIONS.has(action)) {
    if (table === undefined || table === '') add('table', `the ${action} action needs a table`);
    else if (!hasExpr(table)) add('table', tableProblem(table, maxIdent));
  }
  const keys = listParam(raw['keys']);
  const where = text(raw['where']);
  if (action === 'sql' && text(raw['sql']) === undefined) add('sql', 'the sql action needs a statement');
  if (action === 'upsert' && keys.length === 0) add('keys', 'upsert needs the key columns');
  if ((action === 'update' || action === 'delete') && keys.length === 0 && where === undefined)
    add('keys', `${action} needs key columns (or a where condition)`);

  const idents = (name: string, list: unknown[], check: (v: unknown) => string | undefined): void => {
    if (hasExpr(raw[name])) return;
    list.forEach((v, i) => {
      if (!hasExpr(v)) add(Array.isArray(raw[name]) ? `${name}[${i}]` : name, check(v));
    });
  };
  idents('fields', listParam(raw['fields']).filter((f) => f !== '*'), (v) => identProblem(v, maxIdent));
  idents('keys', keys, (v) => identProblem(v, maxIdent));
  idents('orderBy', listParam(raw['orderBy']), (v) => orderProblem(v, maxIdent));
  issues.push(...incrementalIssues(raw['incremental'], maxIdent));
  if (!hasExpr(raw['exactlyOnce'])) add('exactlyOnce', exactlyOnceProblem(raw['exactlyOnce'], action));
  const inc = raw['incremental'];
  if (isRecord(raw['paging'])) {
    if (isRecord(inc)) add('paging', 'a paged select cannot be incremental');
    if (raw['limit'] !== undefined && raw['limit'] !== '') add('paging', 'a paged select takes its size from paging.size, not limit');
  }
  const values = raw['values'];
  if (isRecord(values)) for (const key of Object.keys(values)) add(`values.${key}`, identProblem(key, maxIdent));
  const dl = raw['deadLetter'];
  if (dl !== undefined && dl !== null && dl !== '') {
    if (action !== 'insert' && action !== 'upsert') add('deadLetter', 'only insert and upsert dead-letter the records the database rejects');
    else if (!hasExpr(dl)) add('deadLetter', tableProblem(dl, maxIdent));
  }
  const required = raw['required'];
  if (isRecord(required)) for (const key of Object.keys(required)) add(`required.${key}`, identProblem(key, maxIdent));
  else if (!hasExpr(required)) idents('required', listParam(required), (v) => identProblem(v, maxIdent));

  const binds = raw['binds'];
  if (binds === undefined || isRecord(binds)) {
    const known = new Set(Object.keys(binds ?? {}));
    for (const field of ['where', 'sql'] as const) {
      const body = text(raw[field]);
      if (body === undefined) continue;
      const missing = [...new Set(findNamedBinds(body, lexicon).map((b) => b.name))].filter((n) => !known.has(n));
      if (missing.length > 0) add(field, `${missing.map((n) => `:${n}`).join(', ')} ${missing.length > 1 ? 'have' : 'has'} no value in binds`);
    }
  }
  return issues;
}
