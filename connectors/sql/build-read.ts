/**
 * Pure builders for reading statements: SELECT (with incremental watermark) and the `sql`
 * passthrough. User SQL takes values only through `:name` binds, rewritten to the
 * dialect's placeholders; identifiers were validated and are quoted here.
 */
import type { BindRole, Dialect, Statement } from './dialect.ts';
import { SqlParamError, type OrderItem, type TableName } from './identifiers.ts';
import { isTimestampMode, type Incremental, type Position } from './incremental.ts';
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
  /**
   * read rows past `after` (all rows when it is undefined) in ascending `(column, key)` order;
   * timestamp modes only rows older than the database's clock minus `delayMs`
   */
  incremental?: Partial<Pick<Incremental, 'key' | 'mode' | 'delayMs'>> & { column: string; after?: Position | string };
  /** rows skipped before `limit` (one page); needs `limit` */
  offset?: number;
}

/**
 * The extra columns an incremental select reads: the watermark column (and key) as exact text
 * (a Date would drop microseconds and re-read the last row forever). Removed from the emitted rows.
 */
export const WATERMARK_ALIAS = '__tributary_wm';
export const WATERMARK_KEY_ALIAS = '__tributary_wk';

/** `column > after`, or with a key `(column > c OR (column = c AND key > k))`: the rows past a position */
function pastPosition(d: Dialect, binder: Binder, column: string, key: string | undefined, after: Position): string {
  const col = d.quoteIdent(column);
  const above = `${col} > ${binder.add(after.column, 'watermark')}`;
  if (key === undefined || after.key === undefined) return above;
  return `(${above} OR (${col} = ${binder.add(after.column, 'watermark')} AND ${d.quoteIdent(key)} > ${binder.add(after.key, 'watermark')}))`;
}

export function buildSelect(d: Dialect, q: SelectQuery): Statement {
  const binder = new Binder(d);
  const table = quoteTable(d, q.table);
  const spec = q.incremental;
  let list = q.fields.length > 0 ? q.fields.map((f) => d.quoteIdent(f)).join(', ') : '*';
  // `t.*`: MySQL and Oracle take a bare * only as the whole select list
  if (spec) {
    list = `${list === '*' ? `${table}.*` : list}, ${d.exactText(d.quoteIdent(spec.column))} AS ${quoteAlias(d, WATERMARK_ALIAS)}`;
    if (spec.key !== undefined) list += `, ${d.exactText(d.quoteIdent(spec.key))} AS ${quoteAlias(d, WATERMARK_KEY_ALIAS)}`;
  }
  let sql = `SELECT ${list} FROM ${table}${whereClause(d, q, binder)}`;

  const order = spec
    ? [{ column: spec.column, descending: false }, ...(spec.key !== undefined ? [{ column: spec.key, descending: false }] : [])]
    : q.orderBy;
  if (order.length > 0) sql += ` ORDER BY ${order.map((o) => `${d.quoteIdent(o.column)} ${o.descending ? 'DESC' : 'ASC'}`).join(', ')}`;
  if (q.limit !== undefined && q.offset !== undefined) {
    const limit = binder.add(q.limit);
    sql += ` ${d.pageClause(limit, binder.add(q.offset))}`;
  } else if (q.limit !== undefined) sql += ` ${d.limitClause(binder.add(q.limit))}`;
  return { sql, binds: binder.binds };
}

/** ` WHERE …` of a select (the user's condition, the watermark and the delay bound), or '' */
function whereClause(d: Dialect, q: SelectQuery, binder: Binder): string {
  const spec = q.incremental;
  const after = typeof spec?.after === 'string' ? { column: spec.after } : spec?.after;
  const conditions: string[] = [];
  if (q.where !== undefined && q.where.trim() !== '') conditions.push(`(${userSql(d, q.where, q.binds, binder, 'params.where')})`);
  if (spec && after !== undefined) conditions.push(pastPosition(d, binder, spec.column, spec.key, after));
  // rows are only read once the database's own clock is `delayMs` past them: a transaction
  // that commits within the delay is seen by a later run, never jumped over
  if (spec?.mode !== undefined && isTimestampMode(spec.mode))
    conditions.push(`${d.quoteIdent(spec.column)} < ${d.clockMinus(binder.add(spec.delayMs ?? 0))}`);
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
function quoteAlias(d: Dialect, alias: string): string {
  return d.name === 'mysql' ? `\`${alias}\`` : `"${alias}"`;
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
