/**
 * PostgreSQL dialect: double-quoted identifiers, `$n` placeholders, `LIMIT $n`, multi-row
 * INSERT and `INSERT … ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c`.
 *
 * Case rule: PostgreSQL folds unquoted names to lower case, so a name written all in upper
 * case (`CUSTOMER_ID`, as Oracle returns it) is folded to lower case before quoting; any
 * name with a lower-case letter is quoted exactly as written (`"createdAt"`).
 */
import type { BatchPlan, BindRole, Dialect } from '../../sql/dialect.ts';
import { IDENT_PATTERN } from '../../sql/identifiers.ts';
import { POSTGRES_FLAVOR } from '../../sql/lexicons.ts';
import { baseValue, isPlainObject, toJsonText } from '../../sql/values.ts';

/** the protocol's limit on binds in one statement */
const MAX_BINDS = 65_535;

function quoteIdent(name: string): string {
  if (!IDENT_PATTERN.test(name)) throw new Error(`invalid identifier "${name}"`);
  const folded = name === name.toUpperCase() ? name.toLowerCase() : name;
  return `"${folded}"`;
}

function bindValue(value: unknown, role: BindRole): unknown {
  const v = baseValue(value);
  // a Date is sent as its UTC instant: exact for timestamptz, the UTC wall time for timestamp
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return role === 'filter' ? v.map((x) => bindValue(x, 'value')) : toJsonText(v);
  if (isPlainObject(v)) return toJsonText(v);
  return v;
}

function insertSql(table: string, columns: string[], rows: unknown[][]): { sql: string; binds: unknown[] } {
  const binds: unknown[] = [];
  for (const row of rows) for (const v of row) binds.push(bindValue(v, 'value'));
  return { sql: insertText(table, columns, rows.length), binds };
}

/** the INSERT text of a batch shape, built once: batches of one table repeat the same shape */
function insertText(table: string, columns: string[], rowCount: number): string {
  const key = `${table}\0${columns.join('\0')}\0${rowCount}`;
  let sql = insertTexts.get(key);
  if (sql === undefined) {
    const groups: string[] = [];
    let n = 0;
    for (let r = 0; r < rowCount; r++) groups.push(`(${columns.map(() => `$${++n}`).join(', ')})`);
    sql = `INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')}) VALUES ${groups.join(', ')}`;
    if (insertTexts.size >= 200) insertTexts.clear();
    insertTexts.set(key, sql);
  }
  return sql;
}

/** INSERT texts by batch shape (a bounded memo of a pure function) */
const insertTexts = new Map<string, string>();

/** the last row per key: one statement may not update the same row twice */
function lastPerKey(columns: string[], keys: string[], rows: unknown[][]): unknown[][] {
  const at = keys.map((k) => columns.indexOf(k));
  const byKey = new Map<string, unknown[]>();
  for (const row of rows) {
    const id = JSON.stringify(at.map((i) => keyText(row[i])));
    byKey.delete(id);
    byKey.set(id, row);
  }
  return [...byKey.values()];
}

function keyText(v: unknown): unknown {
  const b = baseValue(v);
  if (b instanceof Date) return b.toISOString();
  if (Buffer.isBuffer(b)) return b.toString('base64');
  return typeof b === 'bigint' ? b.toString() : b;
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  lexicon: POSTGRES_FLAVOR.lexicon,
  maxIdentLength: POSTGRES_FLAVOR.maxIdentLength,
  quoteIdent,
  placeholder: (n) => `$${n}`,
  exactText: (e) => `${e}::text`,
  // a timestamp without zone (the session's UTC wall time): compared with either column type
  // without casting the column, so an index on it is used
  clockMinus: (p) => `(LOCALTIMESTAMP - ${p}::double precision * INTERVAL '1 millisecond')`,
  limitClause: (p) => `LIMIT ${p}`,
  pageClause: (limit, offset) => `LIMIT ${limit} OFFSET ${offset}`,
  bindValue,
  maxRowsPerStatement: (columns) => Math.max(1, Math.floor(MAX_BINDS / Math.max(1, columns))),

  insertBatch(table, columns, rows): BatchPlan {
    return { kind: 'single', ...insertSql(table, columns, rows) };
  },

  upsertBatch(table, columns, keys, rows): BatchPlan {
    const { sql, binds } = insertSql(table, columns, lastPerKey(columns, keys, rows));
    const rest = columns.filter((c) => !keys.includes(c));
    const action =
      rest.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}`;
    return { kind: 'single', sql: `${sql} ON CONFLICT (${keys.map(quoteIdent).join(', ')}) ${action}`, binds };
  },

  eachRow(sql, rows): BatchPlan {
    return { kind: 'each', sql, rows: rows.map((r) => r.map((v) => bindValue(v, 'value'))) };
  },
};
