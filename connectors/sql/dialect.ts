/**
 * What differs between MySQL/MariaDB, PostgreSQL and Oracle for the statements the SQL
 * nodes build: identifier quoting, placeholders, the row-limit clause, how values are
 * bound, and how a batch of rows is written in one round trip. Builders in `build-*.ts`
 * are written once against this interface.
 */
import type { SqlLexicon } from './named-binds.ts';

export type DialectName = 'mysql' | 'postgres' | 'oracle';

/** One SQL statement and its positional binds. */
export interface Statement {
  sql: string;
  binds: unknown[];
  /** the same text runs again and again (a data API's lookups): the driver may keep it prepared */
  prepared?: boolean;
}

/**
 * How one batch of rows reaches the database:
 * - `single`: one statement (multi-row VALUES, IN list…), one round trip;
 * - `each`: the same statement once per bind row, in one transaction;
 * - `many`: the driver's array binding (Oracle executeMany), one round trip.
 */
export type BatchPlan =
  | { kind: 'single'; sql: string; binds: unknown[] }
  | { kind: 'each'; sql: string; rows: unknown[][] }
  | { kind: 'many'; sql: string; rows: unknown[][]; bindDefs: BindDef[] };

/** Explicit bind types, named after oracledb's DB_TYPE_* (mapped by the Oracle runtime). */
export type BindType = 'NUMBER' | 'VARCHAR' | 'CLOB' | 'RAW' | 'BLOB' | 'TIMESTAMP_TZ';

export interface BindDef {
  type: BindType;
  maxSize?: number;
}

/** A value bound with an explicit type (`{type, val}` as oracledb takes it, type by name). */
export interface TypedBind {
  type: BindType;
  val: unknown;
}

/**
 * Why a value is bound: `value` is written into a column, `filter` is compared in a WHERE
 * (arrays stay arrays there: MySQL `IN (:ids)`, PostgreSQL `= ANY(:ids)`), `watermark` is
 * the incremental lower bound.
 */
export type BindRole = 'value' | 'filter' | 'watermark';

export interface Dialect {
  readonly name: DialectName;
  readonly lexicon: SqlLexicon;
  readonly maxIdentLength: number;
  /** quotes one identifier part that already passed IDENT_PATTERN (folding case as documented per dialect) */
  quoteIdent(name: string): string;
  /** the placeholder for the bind at 1-based `position` */
  placeholder(position: number): string;
  /**
   * `expr` as text that converts back to the same value exactly (a timestamp to the
   * microsecond): what an incremental select keeps as its watermark
   */
  exactText(expr: string): string;
  /**
   * the database's own current time (UTC wall time, as the sessions run) minus the milliseconds
   * bound at `placeholder`: the upper bound of a timestamp-mode incremental read
   */
  clockMinus(placeholder: string): string;
  /** the clause that limits the rows, placed after ORDER BY */
  limitClause(placeholder: string): string;
  /** the clause that skips `offset` rows then takes `limit` (one page), placed after ORDER BY */
  pageClause(limit: string, offset: string): string;
  /** what the driver is given for `value` */
  bindValue(value: unknown, role: BindRole): unknown;
  /** most rows one multi-row statement may carry for `columns` columns */
  maxRowsPerStatement(columns: number): number;
  /** insert `rows` (values in `columns` order) into `table` (quoted) */
  insertBatch(table: string, columns: string[], rows: unknown[][]): BatchPlan;
  /** insert or update on `keys` (a subset of `columns`) */
  upsertBatch(table: string, columns: string[], keys: string[], rows: unknown[][]): BatchPlan;
  /** run `sql` (one statement with positional placeholders) once per bind row */
  eachRow(sql: string, rows: unknown[][]): BatchPlan;
}
