/**
 * The one way a route reads its request body: a TypeBox schema checked by the same validator
 * as node params (core/schema-check.ts). A body that does not fit is refused with 400
 * INVALID_INPUT naming every field at fault (`details`, and the first in `params.field`).
 * The services behind the routes still check meaning (password policy, flow documents); the
 * schema checks the shape, so no route reads a field of the wrong type.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { issuesMessage, ValidationError } from '../../core/errors.ts';
import type { JsonSchema } from '../../core/node-spec.ts';
import { SchemaChecker } from '../../core/schema-check.ts';

export { Type } from '@sinclair/typebox';

const checker = new SchemaChecker();

/** `body` (an absent body counts as `{}`) when it fits `schema`; ValidationError naming the fields otherwise */
export function bodyOf<T extends TSchema>(schema: T, body: unknown): Static<T> {
  return checked(schema, body ?? {}, 'the request body');
}

/** the query string's values (strings) checked the same way */
export function queryOf<T extends TSchema>(schema: T, query: unknown): Static<T> {
  return checked(schema, query, 'the query');
}

function checked<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  const issues = checker.check(schema as unknown as JsonSchema, value, '').map((i) => ({ ...i, path: i.path.replace(/^\./, '') }));
  if (issues.length === 0) return value as Static<T>;
  const first = issues[0]!;
  const message = issues.length === 1 ? `${first.path || what}: ${first.message}` : issuesMessage(`${what} is invalid`, issues);
  throw new ValidationError(message, issues, 'INVALID_INPUT', { field: first.path });
}
