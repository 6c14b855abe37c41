/**
 * Builders of node params schemas, on TypeBox: one declaration gives both the JSON Schema that
 * forms, save-time checks and default filling use (`NodeSpec.paramsSchema`, plain data) and the
 * TypeScript type of the params a runtime is given (`ParamsOf<typeof schema>`, defaults present:
 * the engine fills them in from the schema when a flow starts).
 */
import { Type, type Static, type TObject, type TOptional, type TProperties, type TSchema, type TUnsafe, type SchemaOptions } from '@sinclair/typebox';
import type { JsonSchema } from './node-spec.ts';

export { Type };
export type { SchemaOptions };

declare const HAS_DEFAULT: unique symbol;
/** a param with a default: may be left out when saved, always present when the runtime reads it */
export type TDefaulted<T extends TSchema> = TOptional<T> & { readonly [HAS_DEFAULT]: true };

/** `schema` with its default; the default lives here and nowhere else */
export function withDefault<T extends TSchema>(schema: T, value: Static<T>): TDefaulted<T> {
  return Type.Optional({ ...schema, default: value }) as unknown as TDefaulted<T>;
}

/** one of these values, as `enum` (TypeBox's literal unions would emit `anyOf`, which the forms do not read) */
export function Enum<const V extends readonly (string | number)[]>(values: V, options: SchemaOptions = {}): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ ...options, enum: [...values] });
}

/** a free-form object of name → value (headers, binds, fields) */
export function FreeObject(options: SchemaOptions = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', ...options });
}

/** a string holding a `${}` expression */
export const Expression = (options: SchemaOptions = {}) => Type.String({ pattern: '\\$\\{', ...options });

type DefaultedKeys<P extends TProperties> = { [K in keyof P]: P[K] extends { readonly [HAS_DEFAULT]: true } ? K : never }[keyof P];

/** The params a runtime gets: valid against the schema, every defaulted param present. */
export type ParamsOf<T extends TObject> = Omit<Static<T>, DefaultedKeys<T['properties']>> & {
  [K in DefaultedKeys<T['properties']>]-?: Static<T['properties'][K]>;
};

/** the plain JSON Schema of a TypeBox schema (TypeBox's symbol keys left out): what specs hold */
export function jsonSchema(schema: TSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}
