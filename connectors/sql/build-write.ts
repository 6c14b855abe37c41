/**
 * Pure builders for writing statements. Each takes one batch of rows (column → value
 * objects whose column names were already validated) and returns the statements that write
 * it, normally one (one round trip): rows are grouped only when their column sets differ,
 * and split only past the dialect's per-statement bind limit.
 */
import type { BatchPlan, Dialect, Statement } from './dialect.ts';
import { Binder, quoteTable, userSql } from './build-read.ts';
import { SqlParamError, type TableName } from './identifiers.ts';

export type Row = Record<string, unknown>;

interface RowGroup {
  columns: string[];
  values: unknown[][];
}

/** consecutive rows sharing one column set, values in the group's column order */
export function groupRows(rows: Row[]): RowGroup[] {
  const out: RowGroup[] = [];
  let sig = '';
  for (const row of rows) {
    const columns = Object.keys(row);
    let group = out[out.length - 1];
    // rows of one batch nearly always list the same columns in the same order: no sort then
    if (group && sameKeys(columns, group.columns)) {
      group.values.push(group.columns.map((c) => row[c]));
      continue;
    }
    const s = [...columns].sort().join('\0');
    if (!group || s !== sig) {
      group = { columns, values: [] };
      out.push(group);
      sig = s;
    }
    group.values.push(group.columns.map((c) => row[c]));
  }
  return out;
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** the row column a key names: exact, else the only case-insensitive match */
function keyColumn(key: string, columns: string[]): string {
  if (columns.includes(key)) return key;
  const found = columns.filter((c) => c.toLowerCase() === key.toLowerCase());
  if (found.length === 1) return found[0]!;
  throw new SqlParamError('params.keys', `key column "${key}" is not among the row's columns (${columns.join(', ') || 'none'})`);
}

export function planInsert(d: Dialect, table: TableName, rows: Row[]): BatchPlan[] {
  const t = quoteTable(d, table);
  return groupRows(rows).flatMap((g) => {
    if (g.columns.length === 0) throw new SqlParamError('params.values', 'a row has no columns to write');
    return chunks(g.values, d.maxRowsPerStatement(g.columns.length)).map((part) => d.insertBatch(t, g.columns, part));
  });
}

export function planUpsert(d: Dialect, table: TableName, keys: string[], rows: Row[]): BatchPlan[] {
  if (keys.length === 0) throw new SqlParamError('params.keys', 'upsert needs the key columns');
  const t = quoteTable(d, table);
  return groupRows(rows).flatMap((g) => {
    const keyCols = keys.map((k) => keyColumn(k, g.columns));
    return chunks(g.values, d.maxRowsPerStatement(g.columns.length)).map((part) => d.upsertBatch(t, g.columns, keyCols, part));
  });
}

/** UPDATE … SET <non-key columns> WHERE <keys> for each row (one transaction or executeMany). */
export function planUpdate(d: Dialect, table: TableName, keys: string[], rows: Row[]): BatchPlan[] {
  if (keys.length === 0) throw new SqlParamError('params.keys', 'update by rows needs the key columns');
  const t = quoteTable(d, table);
  return groupRows(rows).map((g) => {
    const keyCols = keys.map((k) => keyColumn(k, g.columns));
    const set = g.columns.filter((c) => !keyCols.includes(c));
    if (set.length === 0) throw new SqlParamError('params.values', `nothing to update besides the keys (${keyCols.join(', ')})`);
    let n = 0;
    const assign = set.map((c) => `${d.quoteIdent(c)} = ${d.placeholder(++n)}`).join(', ');
    const match = keyCols.map((k) => `${d.quoteIdent(k)} = ${d.placeholder(++n)}`).join(' AND ');
    const order = [...set, ...keyCols].map((c) => g.columns.indexOf(c));
    return d.eachRow(
      `UPDATE ${t} SET ${assign} WHERE ${match}`,
      g.values.map((v) => order.map((i) => v[i])),
    );
  });
}

/** UPDATE … SET <values> WHERE (<where>) once. */
export function buildUpdateWhere(d: Dialect, table: TableName, values: Row, where: string, binds: Record<string, unknown>): Statement {
  const binder = new Binder(d);
  const columns = Object.keys(values);
  if (columns.length === 0) throw new SqlParamError('params.values', 'nothing to update');
  const assign = columns.map((c) => `${d.quoteIdent(c)} = ${binder.add(values[c], 'value')}`).join(', ');
  const cond = userSql(d, where, binds, binder, 'params.where');
  return { sql: `UPDATE ${quoteTable(d, table)} SET ${assign} WHERE (${cond})`, binds: binder.binds };
}

/** DELETE … WHERE key IN (…) (one key) or (k1 = … AND k2 = …) OR … per batch. */
export function planDelete(d: Dialect, table: TableName, keys: string[], rows: Row[]): BatchPlan[] {
  if (keys.length === 0) throw new SqlParamError('params.keys', 'delete by rows needs the key columns');
  const t = quoteTable(d, table);
  return groupRows(rows).flatMap((g) => {
    const keyCols = keys.map((k) => keyColumn(k, g.columns));
    const at = keyCols.map((k) => g.columns.indexOf(k));
    return chunks(g.values, d.maxRowsPerStatement(keyCols.length)).map((part): BatchPlan => {
      const binder = new Binder(d);
      let cond: string;
      if (keyCols.length === 1) {
        cond = `${d.quoteIdent(keyCols[0]!)} IN (${part.map((v) => binder.add(v[at[0]!], 'value')).join(', ')})`;
      } else {
        const one = (v: unknown[]): string => `(${keyCols.map((k, i) => `${d.quoteIdent(k)} = ${binder.add(v[at[i]!], 'value')}`).join(' AND ')})`;
        cond = part.map(one).join(' OR ');
      }
      return { kind: 'single', sql: `DELETE FROM ${t} WHERE ${cond}`, binds: binder.binds };
    });
  });
}

export function buildDeleteWhere(d: Dialect, table: TableName, where: string, binds: Record<string, unknown>): Statement {
  const binder = new Binder(d);
  const cond = userSql(d, where, binds, binder, 'params.where');
  return { sql: `DELETE FROM ${quoteTable(d, table)} WHERE (${cond})`, binds: binder.binds };
}
