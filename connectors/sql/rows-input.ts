/**
 * The rows a write action takes from a message: a payload that is an array gives one row per
 * element, anything else one row. With `values` (column → expression) each row is that object
 * evaluated with the element standing as `payload`; without it the element's own fields are
 * the columns.
 */
import type { Message } from '../../core/flow-types.ts';
import type { Row } from './build-write.ts';
import { SqlParamError, checkIdent } from './identifiers.ts';
import type { RequiredColumn } from './params.ts';
import { isPlainObject } from './values.ts';

export type Evaluate = (value: unknown, msg: Message) => unknown;

/**
 * payload elements, each with the path that names it in errors; a missing payload is no row
 * unless `values` says what to write
 */
export function payloadItems(payload: unknown, hasValues: boolean): { item: unknown; path: string }[] {
  if (Array.isArray(payload)) return payload.map((item, i) => ({ item, path: `payload[${i}]` }));
  if ((payload === undefined || payload === null) && !hasValues) return [];
  return [{ item: payload, path: 'payload' }];
}

/** One row for `item`; column names checked against `maxIdent`. */
export function rowFor(item: unknown, path: string, values: unknown, msg: Message, evaluate: Evaluate, maxIdent: number): Row {
  if (values === undefined) {
    if (!isPlainObject(item)) throw new RecordError(path, 'is not an object of column → value; give params.values to map it', 'NOT_A_RECORD');
    for (const key of Object.keys(item)) checkIdent(key, maxIdent, `${path}.${key}`);
    return item;
  }
  const row = evaluate(values, { ...msg, payload: item });
  if (!isPlainObject(row)) throw new SqlParamError('params.values', `must give an object of column → value for ${path}`);
  if (!isPlainObject(values)) for (const key of Object.keys(row)) checkIdent(key, maxIdent, `params.values.${key}`);
  return row;
}

export function* batchesOf<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * A record the node cannot write as it is (a required field missing): the record's fault, not
 * the params' nor the database's. `path` names the record (`payload[3]`).
 */
export class RecordError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly code = 'MISSING_FIELD',
  ) {
    super(`${path}: ${detail}`);
    this.name = 'RecordError';
  }
}

/** the row's value for `column`: by exact name, else the only case-insensitive match */
function valueOf(row: Row, column: string): unknown {
  if (Object.prototype.hasOwnProperty.call(row, column)) return row[column];
  const found = Object.keys(row).filter((k) => k.toLowerCase() === column.toLowerCase());
  return found.length === 1 ? row[found[0]!] : undefined;
}

/** what a record that is not an object is, for errors */
function describe(item: unknown): string {
  if (Array.isArray(item)) return 'an array';
  if (item === null || item === undefined) return 'empty';
  const text = JSON.stringify(item) ?? String(item);
  return `${typeof item} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** a required-field error for a record that is not an object at all (`42`, `"str"`, `null`) */
export function notARecord(item: unknown, path: string, required: RequiredColumn[]): RecordError {
  const r = required[0]!;
  const field = r.source ? `field "${r.source}" (column "${r.column}")` : `field "${r.column}"`;
  return new RecordError(path, `required ${field} is missing: the message is ${describe(item)}, not an object; no row of this message was written`);
}

/** throws a RecordError naming the first required column `row` lacks (missing, undefined or null) */
export function checkRequired(row: Row, path: string, required: RequiredColumn[]): void {
  for (const r of required) {
    const v = valueOf(row, r.column);
    if (v !== undefined && v !== null) continue;
    const field = r.source ? `field "${r.source}" (column "${r.column}")` : `field "${r.column}"`;
    // a mapping step turns a missing field into null: both are "no value"
    throw new RecordError(path, `required ${field} has no value (missing or null); no row of this message was written`);
  }
}
