/**
 * Identifier checks shared by the SQL nodes' save-time validation and their runtime.
 * Pure: no Node APIs, so the editor can import it through the specs.
 */

/** A column or table name part: letters, digits, `_` and `$`, not starting with a digit or `$`. */
export const IDENT_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** An error about one param, whose message starts with the param's path. */
export class SqlParamError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'SqlParamError';
  }
}

/** Why `name` is not a usable identifier, or undefined when it is. */
export function identProblem(name: unknown, maxLength: number, what = 'column'): string | undefined {
  if (typeof name !== 'string' || name === '') return `a ${what} name is required`;
  if (name.length > maxLength) return `${what} name "${name}" is longer than ${maxLength} characters`;
  if (!IDENT_PATTERN.test(name))
    return `"${name}" is not a valid ${what} name (letters, digits, _ and $; must start with a letter or _)`;
  return undefined;
}

/** Throws SqlParamError at `path` unless `name` is a valid identifier. */
export function checkIdent(name: unknown, maxLength: number, path: string, what = 'column'): string {
  // rows of a batch repeat the same column names: a name once found valid is not checked again
  if (typeof name === 'string' && validNames.get(name) === maxLength) return name;
  const problem = identProblem(name, maxLength, what);
  if (problem) throw new SqlParamError(path, problem);
  if (validNames.size >= 10_000) validNames.clear();
  validNames.set(name as string, maxLength);
  return name as string;
}

/** valid identifier → the length limit it was checked against (a pure function's memo) */
const validNames = new Map<string, number>();

export interface TableName {
  schema?: string;
  name: string;
}

/** Why a `table` or `schema.table` string is unusable, or undefined. */
export function tableProblem(table: unknown, maxLength: number): string | undefined {
  if (typeof table !== 'string' || table.trim() === '') return 'a table name is required';
  const parts = table.trim().split('.');
  if (parts.length > 2) return `"${table}" is not a valid table name (use table or schema.table)`;
  for (const part of parts) {
    const problem = identProblem(part, maxLength, 'table');
    if (problem) return parts.length === 2 ? `${problem} in "${table}"` : problem;
  }
  return undefined;
}

/** Parses `table` or `schema.table`; throws SqlParamError at `path` when invalid. */
export function parseTable(table: unknown, maxLength: number, path = 'params.table'): TableName {
  const problem = tableProblem(table, maxLength);
  if (problem) throw new SqlParamError(path, problem);
  const parts = (table as string).trim().split('.');
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

export interface OrderItem {
  column: string;
  descending: boolean;
}

const ORDER_ITEM = /^\s*([^\s]+)(?:\s+(asc|desc))?\s*$/i;

/** Why an orderBy item (`col`, `col DESC`) is unusable, or undefined. */
export function orderProblem(item: unknown, maxLength: number): string | undefined {
  if (typeof item !== 'string') return 'must be a column name, optionally followed by ASC or DESC';
  const m = ORDER_ITEM.exec(item);
  if (!m) return `"${item}" must be a column name, optionally followed by ASC or DESC`;
  return identProblem(m[1], maxLength);
}

export function parseOrderItem(item: unknown, maxLength: number, path: string): OrderItem {
  const problem = orderProblem(item, maxLength);
  if (problem) throw new SqlParamError(path, problem);
  const m = ORDER_ITEM.exec(item as string)!;
  return { column: m[1]!, descending: (m[2] ?? '').toLowerCase() === 'desc' };
}

/** A list param given as an array or as comma-separated text (`"id, name"`). */
export function listParam(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return [value];
}
