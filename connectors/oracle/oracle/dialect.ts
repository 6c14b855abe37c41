/**
 * Oracle dialect: double-quoted identifiers, positional `:1 :2 …` placeholders (every
 * occurrence its own position), `FETCH FIRST :n ROWS ONLY` (12c+), batches through
 * executeMany (one round trip), upsert as a single-row MERGE run by executeMany.
 *
 * Case rule: Oracle folds unquoted names to upper case, so a name with no upper-case letter
 * (`customer_id`) is upper-cased before quoting (`"CUSTOMER_ID"`) and means what the same
 * name unquoted means; a name with any upper-case letter is quoted exactly as written, which
 * reaches mixed-case objects created with quotes (`"OrderLines"`).
 *
 * Binds: numbers stay numbers, booleans become 1/0, BigInts become strings (converted
 * exactly by Oracle), Dates and ISO instant strings are bound as TIMESTAMP WITH TIME ZONE
 * in UTC (a DATE/TIMESTAMP column keeps the UTC wall time; in batches an ISO string column
 * goes as text through TO_TIMESTAMP, to the nanosecond), objects become JSON text, text
 * over 32767 bytes is bound as CLOB and binary over 32767 bytes as BLOB.
 */
import type { BatchPlan, BindDef, BindRole, Dialect, TypedBind } from '../../sql/dialect.ts';
import { IDENT_PATTERN } from '../../sql/identifiers.ts';
import { ORACLE_FLAVOR } from '../../sql/lexicons.ts';
import { baseValue, isPlainObject, parseInstant, toJsonText, utcWallText } from '../../sql/values.ts';

/** longest VARCHAR/RAW bind; longer values go as LOBs */
const MAX_INLINE = 32_767;

function quoteIdent(name: string): string {
  if (!IDENT_PATTERN.test(name)) throw new Error(`invalid identifier "${name}"`);
  const folded = name === name.toLowerCase() ? name.toUpperCase() : name;
  return `"${folded}"`;
}

/** a JS value Oracle can take without a type (or a Date/Buffer/string typed later) */
function plainValue(value: unknown): unknown {
  const v = baseValue(value);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return parseInstant(v) ?? v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (Array.isArray(v) || isPlainObject(v)) return toJsonText(v);
  return v;
}

function bindValue(value: unknown, _role: BindRole): unknown {
  const v = plainValue(value);
  if (v instanceof Date) return typed('TIMESTAMP_TZ', v);
  if (typeof v === 'string' && Buffer.byteLength(v) > MAX_INLINE) return typed('CLOB', v);
  if (Buffer.isBuffer(v) && v.length > MAX_INLINE) return typed('BLOB', v);
  return v;
}

function typed(type: TypedBind['type'], val: unknown): TypedBind {
  return { type, val };
}

/**
 * Column-wise types for executeMany: the driver demands one type per position across all
 * rows, so mixed numbers and strings are sent as strings (Oracle converts them exactly).
 * A column of ISO instant strings (what a date-time becomes in a message) is sent as UTC text
 * and converted by TO_TIMESTAMP in the statement (`instants`, 0-based): a Date bind would cut
 * it to milliseconds.
 */
export function manyBinds(rows: unknown[][]): { rows: unknown[][]; bindDefs: BindDef[]; instants: Set<number> } {
  const width = rows[0]?.length ?? 0;
  const instants = new Set<number>();
  for (let c = 0; c < width; c++) if (isInstantColumn(rows, c)) instants.add(c);
  const out = rows.map((r) => r.map((v, c) => (instants.has(c) ? instantText(v) : plainValue(v))));
  const bindDefs: BindDef[] = [];
  for (let c = 0; c < width; c++) {
    if (instants.has(c)) {
      bindDefs.push({ type: 'VARCHAR', maxSize: INSTANT_TEXT_LENGTH });
      continue;
    }
    const kinds = new Set<string>();
    for (const r of out) {
      const v = r[c];
      if (v === null || v === undefined) continue;
      kinds.add(v instanceof Date ? 'date' : Buffer.isBuffer(v) ? 'binary' : typeof v);
    }
    bindDefs.push(columnDef(out, c, kinds));
  }
  return { rows: out, bindDefs, instants };
}

/** 'YYYY-MM-DD HH24:MI:SS.FF9' */
const INSTANT_TEXT_LENGTH = 29;
export const INSTANT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9';

/** every value null, a Date or an ISO instant string, and at least one such string */
function isInstantColumn(rows: unknown[][], c: number): boolean {
  let strings = 0;
  for (const r of rows) {
    const v = baseValue(r[c]);
    if (v === null || v instanceof Date) continue;
    if (typeof v !== 'string' || utcWallText(v) === undefined) return false;
    strings++;
  }
  return strings > 0;
}

function instantText(value: unknown): string | null {
  const v = baseValue(value);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : utcWallText(v.toISOString())!;
  return typeof v === 'string' ? utcWallText(v)! : null;
}

function columnDef(rows: unknown[][], c: number, kinds: Set<string>): BindDef {
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  if (only === 'number') return { type: 'NUMBER' };
  if (only === 'date') return { type: 'TIMESTAMP_TZ' };
  if (only === 'binary') {
    const max = Math.max(1, ...rows.map((r) => (Buffer.isBuffer(r[c]) ? (r[c] as Buffer).length : 0)));
    return max > MAX_INLINE ? { type: 'BLOB' } : { type: 'RAW', maxSize: max };
  }
  let max = 1;
  for (const r of rows) {
    const v = r[c];
    if (v === null || v === undefined) continue;
    const text = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : Buffer.isBuffer(v) ? v.toString('hex') : String(v);
    r[c] = text;
    max = Math.max(max, Buffer.byteLength(text));
  }
  return max > MAX_INLINE ? { type: 'CLOB' } : { type: 'VARCHAR', maxSize: max };
}

function many(sql: string, rows: unknown[][]): BatchPlan {
  const { instants, ...binds } = manyBinds(rows);
  // the builders' SQL quotes every name, so `:n` is only ever a placeholder here
  const text =
    instants.size === 0 ? sql : sql.replace(/:(\d+)\b/g, (p, n: string) => (instants.has(Number(n) - 1) ? `TO_TIMESTAMP(${p}, '${INSTANT_FORMAT}')` : p));
  return { kind: 'many', sql: text, ...binds };
}

const positions = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `:${i + from}`);

export const oracleDialect: Dialect = {
  name: 'oracle',
  lexicon: ORACLE_FLAVOR.lexicon,
  maxIdentLength: ORACLE_FLAVOR.maxIdentLength,
  quoteIdent,
  placeholder: (n) => `:${n}`,
  exactText: (e) => `TO_CHAR(${e})`,
  clockMinus: (p) => `(SYS_EXTRACT_UTC(SYSTIMESTAMP) - NUMTODSINTERVAL(${p} / 1000, 'SECOND'))`,
  limitClause: (p) => `FETCH FIRST ${p} ROWS ONLY`,
  pageClause: (limit, offset) => `OFFSET ${offset} ROWS FETCH NEXT ${limit} ROWS ONLY`,
  bindValue,
  maxRowsPerStatement: () => 1_000,

  insertBatch(table, columns, rows): BatchPlan {
    const sql = `INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')}) VALUES (${positions(columns.length).join(', ')})`;
    return many(sql, rows);
  },

  upsertBatch(table, columns, keys, rows): BatchPlan {
    const q = columns.map(quoteIdent);
    const source = columns.map((c, i) => `:${i + 1} AS ${q[i]}`).join(', ');
    const on = keys.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
    const rest = columns.filter((c) => !keys.includes(c));
    const matched = rest.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${rest.map((c) => `t.${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ')}` : '';
    const sql =
      `MERGE INTO ${table} t USING (SELECT ${source} FROM DUAL) s ON (${on})${matched}` +
      ` WHEN NOT MATCHED THEN INSERT (${q.join(', ')}) VALUES (${q.map((c) => `s.${c}`).join(', ')})`;
    return many(sql, rows);
  },

  eachRow(sql, rows): BatchPlan {
    return many(sql, rows);
  },
};
