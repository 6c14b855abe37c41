import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSelect, buildSql } from '../../sql/build-read.ts';
import { buildDeleteWhere, buildUpdateWhere, planDelete, planInsert, planUpdate, planUpsert } from '../../sql/build-write.ts';
import { postgresDialect as d } from './dialect.ts';

const t = { schema: 'public', name: 'orders' };

test('select: $n placeholders, :: casts untouched, arrays stay arrays for = ANY()', () => {
  const s = buildSelect(d, {
    table: t,
    fields: ['id', 'createdAt'],
    where: 'created_at::date = :day AND id = ANY(:ids)',
    binds: { day: '2024-05-01', ids: [1, 2] },
    orderBy: [{ column: 'id', descending: false }],
    limit: 5,
  });
  assert.equal(s.sql, 'SELECT "id", "createdAt" FROM "public"."orders" WHERE (created_at::date = $1 AND id = ANY($2)) ORDER BY "id" ASC LIMIT $3');
  assert.deepEqual(s.binds, ['2024-05-01', [1, 2], 5]);
});

test('select incremental: exact ::text watermark, ascending by the column', () => {
  const s = buildSelect(d, {
    table: t,
    fields: ['id'],
    binds: {},
    orderBy: [],
    limit: 50,
    incremental: { column: 'updated_at', after: '2024-05-01 10:00:00.123456+00' },
  });
  assert.equal(
    s.sql,
    'SELECT "id", "updated_at"::text AS "__tributary_wm" FROM "public"."orders" WHERE "updated_at" > $1 ORDER BY "updated_at" ASC LIMIT $2',
  );
  assert.deepEqual(s.binds, ['2024-05-01 10:00:00.123456+00', 50]);
});

test('case rule: all-upper names fold to lower case, others are kept', () => {
  assert.equal(d.quoteIdent('CUSTOMER_ID'), '"customer_id"');
  assert.equal(d.quoteIdent('customer_id'), '"customer_id"');
  assert.equal(d.quoteIdent('createdAt'), '"createdAt"');
});

test('insert batch: one multi-VALUES statement; Dates as UTC ISO, bigint as text, JSON for objects', () => {
  const at = new Date('2024-05-01T10:00:00.5Z');
  const bin = Buffer.from([1, 2, 255]);
  const [p] = planInsert(d, t, [
    { id: 1n, at, bin, doc: { x: [1] } },
    { id: '9007199254740993', at: null, bin: new Uint8Array([7]), doc: null },
  ]);
  assert.deepEqual(p, {
    kind: 'single',
    sql: 'INSERT INTO "public"."orders" ("id", "at", "bin", "doc") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)',
    binds: ['1', '2024-05-01T10:00:00.500Z', bin, '{"x":[1]}', '9007199254740993', null, Buffer.from([7]), null],
  });
});

test('insert splits only past the 65535-bind limit', () => {
  const rows = Array.from({ length: 70_000 }, (_, i) => ({ id: i }));
  const plans = planInsert(d, t, rows);
  assert.equal(plans.length, 2);
  assert.equal(plans[0]!.kind === 'single' && plans[0]!.binds.length, 65_535);
});

test('upsert: ON CONFLICT (keys) DO UPDATE SET … = EXCLUDED…; a key repeated in a batch keeps its last row', () => {
  const [p] = planUpsert(d, t, ['id'], [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
    { id: 1, name: 'c' },
  ]);
  assert.deepEqual(p, {
    kind: 'single',
    sql: 'INSERT INTO "public"."orders" ("id", "name") VALUES ($1, $2), ($3, $4) ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name"',
    binds: [2, 'b', 1, 'c'],
  });
  const [k] = planUpsert(d, t, ['a', 'b'], [{ a: 1, b: 2 }]);
  assert.equal(k!.kind === 'single' && k!.sql, 'INSERT INTO "public"."orders" ("a", "b") VALUES ($1, $2) ON CONFLICT ("a", "b") DO NOTHING');
});

test('update by keys and by where', () => {
  assert.deepEqual(planUpdate(d, t, ['id'], [{ id: 3, name: 'x', qty: 1 }]), [
    { kind: 'each', sql: 'UPDATE "public"."orders" SET "name" = $1, "qty" = $2 WHERE "id" = $3', rows: [['x', 1, 3]] },
  ]);
  assert.deepEqual(buildUpdateWhere(d, t, { qty: 0 }, 'qty < :min', { min: 0 }), {
    sql: 'UPDATE "public"."orders" SET "qty" = $1 WHERE (qty < $2)',
    binds: [0, 0],
  });
});

test('delete by keys and by where', () => {
  assert.deepEqual(planDelete(d, t, ['id'], [{ id: 1, other: 'ignored' }, { id: 2, other: 'x' }]), [
    { kind: 'single', sql: 'DELETE FROM "public"."orders" WHERE "id" IN ($1, $2)', binds: [1, 2] },
  ]);
  assert.deepEqual(buildDeleteWhere(d, t, 'id = :id OR parent = :id', { id: 4 }), {
    sql: 'DELETE FROM "public"."orders" WHERE (id = $1 OR parent = $2)',
    binds: [4, 4],
  });
});

test('sql passthrough skips dollar-quoted bodies', () => {
  assert.deepEqual(buildSql(d, 'SELECT $x$ :no $x$, :yes::int', { yes: '5' }), { sql: 'SELECT $x$ :no $x$, $1::int', binds: ['5'] });
});
