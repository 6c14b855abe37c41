/**
 * MySQL / MariaDB dialect: backtick quoting (names kept as written), `?` placeholders
 * (mysql2 escapes each bound value itself), `LIMIT ?`, multi-row INSERT and
 * `INSERT … ON DUPLICATE KEY UPDATE col = VALUES(col)` (understood by MySQL 5.7+/8 and MariaDB).
 */
import type { BatchPlan, BindRole, Dialect } from '../../sql/dialect.ts';
import { IDENT_PATTERN } from '../../sql/identifiers.ts';
import { MYSQL_FLAVOR } from '../../sql/lexicons.ts';
import { ISO_INSTANT, baseValue, isPlainObject, toJsonText } from '../../sql/values.ts';

const BIG_INTEGER = /^-?[1-9]\d{15,}$/;

function quoteIdent(name: string): string {
  if (!IDENT_PATTERN.test(name)) throw new Error(`invalid identifier "${name}"`);
  return '`' + name + '`';
}

function bindValue(value: unknown, role: BindRole): unknown {
  const v = baseValue(value);
  if (typeof v === 'string') {
    const m = ISO_INSTANT.exec(v);
    if (m) {
      // DATETIME/TIMESTAMP do not take a zone; the session runs in UTC, so a UTC instant is
      // written as its wall time with every fraction digit kept, other zones through a Date.
      return m[4] === 'Z' ? `${m[1]} ${m[2]}${m[3] ?? ''}` : new Date(v);
    }
    // a string watermark of a BIGINT column compares exactly as an integer literal
    if (role === 'watermark' && BIG_INTEGER.test(v)) return BigInt(v);
    return v;
  }
  if (Array.isArray(v)) return role === 'filter' ? v.map((x) => bindValue(x, 'value')) : toJsonText(v);
  if (isPlainObject(v)) return toJsonText(v);
  return v;
}

function insertSql(table: string, columns: string[], rows: unknown[][]): { sql: string; binds: unknown[] } {
  const group = `(${columns.map(() => '?').join(', ')})`;
  const binds: unknown[] = [];
  for (const row of rows) for (const v of row) binds.push(bindValue(v, 'value'));
  const sql = `INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')}) VALUES ${rows.map(() => group).join(', ')}`;
  return { sql, binds };
}

export const mysqlDialect: Dialect = {
  name: 'mysql',
  lexicon: MYSQL_FLAVOR.lexicon,
  maxIdentLength: MYSQL_FLAVOR.maxIdentLength,
  quoteIdent,
  placeholder: () => '?',
  exactText: (e) => `CAST(${e} AS CHAR)`,
  // the session runs in UTC (driver.ts), so NOW() is the UTC wall time DATETIME columns hold
  clockMinus: (p) => `(NOW(6) - INTERVAL (${p} * 1000) MICROSECOND)`,
  limitClause: (p) => `LIMIT ${p}`,
  pageClause: (limit, offset) => `LIMIT ${limit} OFFSET ${offset}`,
  bindValue,
  // mysql2 formats the statement client-side: no placeholder limit, only max_allowed_packet
  maxRowsPerStatement: () => 10_000,

  insertBatch(table, columns, rows): BatchPlan {
    return { kind: 'single', ...insertSql(table, columns, rows) };
  },

  upsertBatch(table, columns, keys, rows): BatchPlan {
    const { sql, binds } = insertSql(table, columns, rows);
    // MySQL resolves the conflict on the table's PRIMARY/UNIQUE keys; `keys` only says
    // which columns are left alone on update.
    const rest = columns.filter((c) => !keys.includes(c));
    const assign = (rest.length > 0 ? rest : keys.slice(0, 1)).map((c) => `${quoteIdent(c)} = VALUES(${quoteIdent(c)})`);
    return { kind: 'single', sql: `${sql} ON DUPLICATE KEY UPDATE ${assign.join(', ')}`, binds };
  },

  eachRow(sql, rows): BatchPlan {
    return { kind: 'each', sql, rows: rows.map((r) => r.map((v) => bindValue(v, 'value'))) };
  },
};
