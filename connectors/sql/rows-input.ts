/**
 * The rows a write action takes from a message: a payload that is an array gives one row per
 * element, anything else one row. With `values` (column → expression) each row is that object
 * evaluated with the element standing as `payload`; without it the element's own fields are
 * the columns.
 */
import type { Message } from '../../core/flow-types.ts';
import type { Row } from './build-write.ts';
import { SqlParamError, checkIdent } from './identifiers.ts';
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
    if (!isPlainObject(item)) throw new SqlParamError(path, 'is not an object of column → value; give params.values to map it');
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
