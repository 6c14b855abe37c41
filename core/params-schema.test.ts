/** One TypeBox declaration: plain JSON Schema for forms and checks, the runtime's params type, defaults once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Enum, Expression, FreeObject, Type, jsonSchema, withDefault, type ParamsOf } from './params-schema.ts';
import { SchemaChecker } from './schema-check.ts';

const schema = Type.Object(
  {
    name: Type.String({ minLength: 1, title: 'Name' }),
    mode: withDefault(Enum(['fast', 'safe'], { title: 'Mode' }), 'safe'),
    size: withDefault(Type.Union([Type.Integer({ minimum: 1 }), Expression()]), 10),
    extra: Type.Optional(FreeObject({ title: 'Extra' })),
  },
  { additionalProperties: false },
);
type Params = ParamsOf<typeof schema>;

test('the JSON Schema is plain data in the shapes the editor reads (enum, anyOf, object), defaulted params not required', () => {
  const json = jsonSchema(schema);
  assert.deepStrictEqual(json, {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, title: 'Name' },
      mode: { title: 'Mode', enum: ['fast', 'safe'], default: 'safe' },
      size: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '\\$\\{' }], default: 10 },
      extra: { type: 'object', title: 'Extra' },
    },
  });
  assert.equal(Object.getOwnPropertySymbols(json).length, 0);
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
});

test('the defaults the schema declares are the ones filled in, and the params type has them present', () => {
  const filled = new SchemaChecker().withDefaults(jsonSchema(schema), { name: 'n' }) as Params;
  // a runtime reads them without a fallback: the type says they are there
  const mode: 'fast' | 'safe' = filled.mode;
  const size: number | string = filled.size;
  assert.deepEqual({ mode, size, extra: filled.extra }, { mode: 'safe', size: 10, extra: undefined });
  // @ts-expect-error an optional param without a default may be missing
  const extra: Record<string, unknown> = filled.extra;
  assert.equal(extra, undefined);
});
