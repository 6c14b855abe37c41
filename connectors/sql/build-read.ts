/**
 * Pure builders for reading statements: SELECT (with incremental watermark) and the `sql`
 * passthrough. User SQL takes values only through `:name` binds, rewritten to the
 * dialect's placeholders; identifiers were validated and are quoted here.
 */
import type { BindRole, Dialect, Statement } from './dialect.ts';
import { SqlParamError, type OrderItem, type TableName } from './identifiers.ts';
import { rewriteNamedBinds } from './named-binds.ts';

/** Collects binds in order and hands out the matching placeholders. */
export class Binder {
  readonly binds: unknown[] = [];
  constructor(private readonly dialect: Dialect) {}

  add(value: unknown, role: BindRole = 'filter'): string {
    this.binds.push(this.dialect.bindValue(value, role));
    return this.dialect.placeholder(this.binds.length);
  }
}

export function quoteTable(d: Dialect, t: TableName): string {
  return t.schema === undefined ? d.quoteIdent(t.name) : `${d.quoteIdent(t.schema)}.${d.quoteIdent(t.name)}`;
}

/** `text` with each `:name` replaced by a placeholder bound to `binds[name]`. */
export function userSql(d: Dialect, text: string, binds: Record<string, unknown>, binder: Binder, path: string): string {
  return rewriteNamedBinds(text, d.lexicon, (name) => {
    if (!Object.prototype.hasOwnProperty.call(binds, name))
      throw new SqlParamError(path, `:${name} has no value in params.binds`);
    return binder.add(binds[name]);
  });
}

export interface SelectQuery {
  table: TableName;
  /** empty: all columns */
  fields: string[];
  where?: string;
  binds: Record<string, unknown>;
  orderBy: OrderItem[];
  limit?: number;
  /** rows skipped before `limit` (one page); needs `limit` */
  offset?: number;
  /** read rows whose `column` is above `after` (all rows when `after` is null/undefined), ascending */
  incremental?: { column: string; after?: unknown };
}

/**
 * The extra column an incremental select reads: the watermark column as exact text (a Date
 * would drop microseconds and re-read the last row forever). Removed from the emitted rows.
 */
export const WATERMARK_ALIAS = '__tributary_wm';

export function buildSelect(d: Dialect, q: SelectQuery): Statement {
  const binder = new Binder(d);
  const table = quoteTable(d, q.table);
  const inc = q.incremental;
  let list = q.fields.length > 0 ? q.fields.map((f) => d.quoteIdent(f)).join(', ') : '*';
  // `t.*`: MySQL and Oracle take a bare * only as the whole select list
  if (inc) list = `${list === '*' ? `${table}.*` : list}, ${d.exactText(d.quoteIdent(inc.column))} AS ${quoteAlias(d)}`;
  let sql = `SELECT ${list} FROM ${table}${whereClause(d, q, binder)}`;

  const order = inc ? [{ column: inc.column, descending: false }] : q.orderBy;
  if (order.length > 0) sql += ` ORDER BY ${order.map((o) => `${d.quoteIdent(o.column)} ${o.descending ? 'DESC' : 'ASC'}`).join(', ')}`;
  if (q.limit !== undefined && q.offset !== undefined) {
    const limit = binder.add(q.limit);
    sql += ` ${d.pageClause(limit, binder.add(q.offset))}`;
  } else if (q.limit !== undefined) sql += ` ${d.limitClause(binder.add(q.limit))}`;
  return { sql, binds: binder.binds };
}

/** ` WHERE …` of a select (the user's condition and the watermark), or '' */
function whereClause(d: Dialect, q: SelectQuery, binder: Binder): string {
  const inc = q.incremental;
  const conditions: string[] = [];
  if (q.where !== undefined && q.where.trim() !== '') conditions.push(`(${userSql(d, q.where, q.binds, binder, 'params.where')})`);
  if (inc && inc.after !== undefined && inc.after !== null && inc.after !== '')
    conditions.push(`${d.quoteIdent(inc.column)} > ${binder.add(inc.after, 'watermark')}`);
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/** the alias of the row count `buildCount` reads */
export const COUNT_ALIAS = 'n';

/** `SELECT COUNT(*) AS n` over the rows `q` selects, whatever its order and limit */
export function buildCount(d: Dialect, q: SelectQuery): Statement {
  const binder = new Binder(d);
  const sql = `SELECT COUNT(*) AS ${d.name === 'mysql' ? COUNT_ALIAS : `"${COUNT_ALIAS}"`} FROM ${quoteTable(d, q.table)}${whereClause(d, q, binder)}`;
  return { sql, binds: binder.binds };
}

/** the alias quoted so every database keeps it lower case */
function quoteAlias(d: Dialect): string {
  return d.name === 'mysql' ? `\`${WATERMARK_ALIAS}\`` : `"${WATERMARK_ALIAS}"`;
}

/** The `sql` action: the user's statement with its `:name` binds. */
export function buildSql(d: Dialect, text: string, binds: Record<string, unknown>): Statement {
  const binder = new Binder(d);
  const sql = userSql(d, text, binds, binder, 'params.sql');
  return { sql, binds: binder.binds };
}

/** true when the statement returns rows worth streaming (SELECT / WITH … SELECT) */
export function isQuery(sql: string): boolean {
  const head = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '').slice(0, 10).toLowerCase();
  return /^(select|with)\b/.test(head) || head.startsWith('(');
}
