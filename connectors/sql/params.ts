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
import { isRecord } from '../../core/guards.ts';

export const ACTIONS = ['select', 'insert', 'upsert', 'update', 'delete', 'sql'] as const;
export type SqlAction = (typeof ACTIONS)[number];

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 1000;

export interface SqlParams {
  connection: string;
  action: SqlAction;
  table?: TableName;
  fields: string[];
  where?: string;
  binds: Record<string, unknown>;
  orderBy: OrderItem[];
  limit?: number;
  incremental?: { column: string; initial?: unknown };
  /** lazy: column → expression, or one expression giving the row object; resolved per row */
  values?: unknown;
  keys: string[];
  batchSize: number;
  sql?: string;
  pageSize: number;
}

const TABLE_ACTIONS: ReadonlySet<string> = new Set(['select', 'insert', 'upsert', 'update', 'delete']);

const hasExpr = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function positiveInt(v: unknown, path: string, fallback: number | undefined): number | undefined {
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'string' ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new SqlParamError(path, `must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** Typed params from resolved params; throws SqlParamError on the first problem. */
export function readParams(raw: Record<string, unknown>, maxIdent: number): SqlParams {
  const action = (raw['action'] ?? 'select') as SqlAction;
  if (!ACTIONS.includes(action)) throw new SqlParamError('params.action', `must be one of ${ACTIONS.join(', ')}`);
  const needsTable = TABLE_ACTIONS.has(action);
  const binds = raw['binds'] ?? {};
  if (!isRecord(binds)) throw new SqlParamError('params.binds', 'must be an object of name → value');
  const inc = raw['incremental'];
  let incremental: SqlParams['incremental'];
  if (isRecord(inc) && inc['column'] !== undefined && inc['column'] !== '')
    incremental = { column: checkIdent(inc['column'], maxIdent, 'params.incremental.column'), initial: inc['initial'] };
  const values = raw['values'];
  if (isRecord(values)) for (const key of Object.keys(values)) checkIdent(key, maxIdent, `params.values.${key}`);

  const p: SqlParams = {
    connection: String(raw['connection'] ?? ''),
    action,
    fields: listParam(raw['fields']).map((f, i) => (f === '*' ? '*' : checkIdent(f, maxIdent, `params.fields[${i}]`))).filter((f) => f !== '*'),
    binds,
    orderBy: listParam(raw['orderBy']).map((o, i) => parseOrderItem(o, maxIdent, `params.orderBy[${i}]`)),
    keys: listParam(raw['keys']).map((k, i) => checkIdent(k, maxIdent, `params.keys[${i}]`)),
    batchSize: positiveInt(raw['batchSize'], 'params.batchSize', DEFAULT_BATCH_SIZE)!,
    pageSize: positiveInt(raw['pageSize'], 'params.pageSize', DEFAULT_PAGE_SIZE)!,
  };
  if (needsTable) p.table = parseTable(raw['table'], maxIdent);
  const where = text(raw['where']);
  if (where !== undefined) p.where = where;
  const limit = positiveInt(raw['limit'], 'params.limit', undefined);
  if (limit !== undefined) p.limit = limit;
  if (incremental) p.incremental = incremental;
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
  const inc = raw['incremental'];
  if (isRecord(inc) && !hasExpr(inc['column'])) add('incremental.column', identProblem(inc['column'], maxIdent));
  const values = raw['values'];
  if (isRecord(values)) for (const key of Object.keys(values)) add(`values.${key}`, identProblem(key, maxIdent));

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
