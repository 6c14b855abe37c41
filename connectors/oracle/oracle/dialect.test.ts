/** Oracle SQL and binds, checked without a server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCount, buildSelect, buildSql } from '../../sql/build-read.ts';
import { buildDeleteWhere, buildUpdateWhere, planDelete, planInsert, planUpdate, planUpsert } from '../../sql/build-write.ts';
import { manyBinds, oracleDialect as d } from './dialect.ts';

const t = { name: 'orders' };

test('case rule: lower-case names mean the upper-case (unquoted) object; mixed case is kept', () => {
  assert.equal(d.quoteIdent('customer_id'), '"CUSTOMER_ID"');
  assert.equal(d.quoteIdent('CUSTOMER_ID'), '"CUSTOMER_ID"');
  assert.equal(d.quoteIdent('OrderLines'), '"OrderLines"');
  assert.equal(d.quoteIdent('a$b_1'), '"A$B_1"');
});

test('select: :1 :2 placeholders (one per use), FETCH FIRST n ROWS ONLY', () => {
  const s = buildSelect(d, {
    table: { schema: 'sales', name: 'orders' },
    fields: ['id', 'total'],
    where: "status = :st AND note <> q'[:st]' AND (owner = :st OR owner IS NULL)",
    binds: { st: 'OPEN' },
    orderBy: [{ column: 'id', descending: true }],
    limit: 25,
  });
  assert.equal(
    s.sql,
    'SELECT "ID", "TOTAL" FROM "SALES"."ORDERS" WHERE (status = :1 AND note <> q\'[:st]\' AND (owner = :2 OR owner IS NULL)) ORDER BY "ID" DESC FETCH FIRST :3 ROWS ONLY',
  );
  assert.deepEqual(s.binds, ['OPEN', 'OPEN', 25]);
});

test('select incremental: TO_CHAR watermark on the qualified table, ascending', () => {
  const s = buildSelect(d, {
    table: t,
    fields: [],
    where: 'region = :r',
    binds: { r: 'EU' },
    orderBy: [],
    limit: 1000,
    incremental: { column: 'updated_at', after: '2024-05-01 10:00:00.123456000' },
  });
  assert.equal(
    s.sql,
    'SELECT "ORDERS".*, TO_CHAR("UPDATED_AT") AS "__tributary_wm" FROM "ORDERS" WHERE (region = :1) AND "UPDATED_AT" > :2 ORDER BY "UPDATED_AT" ASC FETCH FIRST :3 ROWS ONLY',
  );
  assert.deepEqual(s.binds, ['EU', '2024-05-01 10:00:00.123456000', 1000]);
});

test('binds: dates as TIMESTAMP WITH TIME ZONE, numbers as numbers, booleans 1/0, bigint as text', () => {
  const when = new Date('2024-05-01T10:00:00.123Z');
  const s = buildSql(d, 'UPDATE x SET a = :a, b = :b, c = :c, d = :d, e = :e, f = :f, g = :g WHERE h = :h', {
    a: when,
    b: 42.5,
    c: true,
    d: 12345678901234567890n,
    e: '2024-05-01T12:00:00+02:00',
    f: { k: 'v' },
    g: null,
    h: 'text',
  });
  assert.equal(s.sql, 'UPDATE x SET a = :1, b = :2, c = :3, d = :4, e = :5, f = :6, g = :7 WHERE h = :8');
  assert.deepEqual(s.binds, [
    { type: 'TIMESTAMP_TZ', val: when },
    42.5,
    1,
    '12345678901234567890',
    { type: 'TIMESTAMP_TZ', val: new Date('2024-05-01T10:00:00Z') },
    '{"k":"v"}',
    null,
    'text',
  ]);
});

test('binds: long text as CLOB, long binary as BLOB', () => {
  const long = 'é'.repeat(20_000); // 40,000 bytes
  const blob = Buffer.alloc(40_000, 1);
  const s = buildSql(d, 'INSERT INTO x VALUES (:a, :b, :c)', { a: long, b: blob, c: Buffer.from([1]) });
  assert.deepEqual(s.binds, [{ type: 'CLOB', val: long }, { type: 'BLOB', val: blob }, Buffer.from([1])]);
});

test('insert batch: executeMany with one row of binds per row and bind types per column', () => {
  const when = new Date('2024-05-01T10:00:00Z');
  const [p] = planInsert(d, t, [
    { id: 1, name: 'ä😀', at: when, amount: '12345678901234567890.0123456789', flag: true, bin: Buffer.from([1, 2]) },
    { id: 2, name: null, at: null, amount: 3, flag: false, bin: null },
  ]);
  assert.deepEqual(p, {
    kind: 'many',
    sql: 'INSERT INTO "ORDERS" ("ID", "NAME", "AT", "AMOUNT", "FLAG", "BIN") VALUES (:1, :2, :3, :4, :5, :6)',
    rows: [
      [1, 'ä😀', when, '12345678901234567890.0123456789', 1, Buffer.from([1, 2])],
      // a number among strings in one column goes as a string: executeMany takes one type per column
      [2, null, null, '3', 0, null],
    ],
    bindDefs: [
      { type: 'NUMBER' },
      { type: 'VARCHAR', maxSize: 6 },
      { type: 'TIMESTAMP_TZ' },
      { type: 'VARCHAR', maxSize: 31 },
      { type: 'NUMBER' },
      { type: 'RAW', maxSize: 2 },
    ],
  });
});

test('manyBinds: an all-null column binds as a one-byte VARCHAR; ISO instants as UTC text to the nanosecond', () => {
  const out = manyBinds([
    [null, '2024-05-01T10:00:00Z', new Date('2024-05-01T10:00:00.250Z')],
    [undefined, '2024-05-01T13:00:00.123456+02:00', null],
    [null, null, new Date('2024-05-01T10:00:00.500Z')],
    [null, '2024-05-01T11:00:00.123456789Z', new Date('2024-05-01T10:00:00.750Z')],
  ]);
  assert.deepEqual(out, {
    rows: [
      [null, '2024-05-01 10:00:00.000000000', new Date('2024-05-01T10:00:00.250Z')],
      [null, '2024-05-01 11:00:00.123456000', null],
      [null, null, new Date('2024-05-01T10:00:00.500Z')],
      [null, '2024-05-01 11:00:00.123456789', new Date('2024-05-01T10:00:00.750Z')],
    ],
    bindDefs: [{ type: 'VARCHAR', maxSize: 1 }, { type: 'VARCHAR', maxSize: 29 }, { type: 'TIMESTAMP_TZ' }],
    instants: new Set([1]),
  });
});

test('microseconds: a column of ISO instants is written through TO_TIMESTAMP (insert, MERGE, update by keys)', () => {
  const rows = [
    { id: 1, at: '2024-05-01T10:20:30.123456Z', note: 'a' },
    { id: 2, at: '2024-05-01T10:20:30.000001Z', note: 'b' },
  ];
  const fmt = "'YYYY-MM-DD HH24:MI:SS.FF9'";
  const [ins] = planInsert(d, t, rows);
  assert.equal(ins!.sql, `INSERT INTO "ORDERS" ("ID", "AT", "NOTE") VALUES (:1, TO_TIMESTAMP(:2, ${fmt}), :3)`);
  assert.ok(ins?.kind === 'many');
  assert.deepEqual(ins.rows, [
    [1, '2024-05-01 10:20:30.123456000', 'a'],
    [2, '2024-05-01 10:20:30.000001000', 'b'],
  ]);
  const [up] = planUpsert(d, t, ['id'], rows);
  assert.match(up!.sql, new RegExp(`^MERGE INTO "ORDERS" t USING \\(SELECT :1 AS "ID", TO_TIMESTAMP\\(:2, ${fmt}\\) AS "AT", :3 AS "NOTE" FROM DUAL\\)`));
  const [upd] = planUpdate(d, t, ['id'], rows);
  assert.equal(upd!.sql, `UPDATE "ORDERS" SET "AT" = TO_TIMESTAMP(:1, ${fmt}), "NOTE" = :2 WHERE "ID" = :3`);
  // a column that also holds other text is not a date-time column: left as text
  const [mixed] = planInsert(d, t, [{ id: 1, at: '2024-05-01T10:20:30.123456Z' }, { id: 2, at: 'soon' }]);
  assert.equal(mixed!.sql, 'INSERT INTO "ORDERS" ("ID", "AT") VALUES (:1, :2)');
});

test('upsert: single-row MERGE run by executeMany', () => {
  const [p] = planUpsert(d, t, ['id'], [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
  ]);
  assert.deepEqual(p, {
    kind: 'many',
    sql:
      'MERGE INTO "ORDERS" t USING (SELECT :1 AS "ID", :2 AS "NAME" FROM DUAL) s ON (t."ID" = s."ID")' +
      ' WHEN MATCHED THEN UPDATE SET t."NAME" = s."NAME"' +
      ' WHEN NOT MATCHED THEN INSERT ("ID", "NAME") VALUES (s."ID", s."NAME")',
    rows: [
      [1, 'a'],
      [2, 'b'],
    ],
    bindDefs: [{ type: 'NUMBER' }, { type: 'VARCHAR', maxSize: 1 }],
  });
  const [k] = planUpsert(d, t, ['id'], [{ id: 1 }]);
  assert.equal(
    k!.sql,
    'MERGE INTO "ORDERS" t USING (SELECT :1 AS "ID" FROM DUAL) s ON (t."ID" = s."ID") WHEN NOT MATCHED THEN INSERT ("ID") VALUES (s."ID")',
  );
});

test('update by keys runs through executeMany; by where is one statement', () => {
  assert.deepEqual(planUpdate(d, t, ['id'], [{ id: 1, qty: 5 }]), [
    { kind: 'many', sql: 'UPDATE "ORDERS" SET "QTY" = :1 WHERE "ID" = :2', rows: [[5, 1]], bindDefs: [{ type: 'NUMBER' }, { type: 'NUMBER' }] },
  ]);
  const when = new Date('2024-01-01T00:00:00Z');
  assert.deepEqual(buildUpdateWhere(d, t, { shipped_at: when }, 'id = :id', { id: 9 }), {
    sql: 'UPDATE "ORDERS" SET "SHIPPED_AT" = :1 WHERE (id = :2)',
    binds: [{ type: 'TIMESTAMP_TZ', val: when }, 9],
  });
});

test('delete: IN lists stop at 1000 expressions', () => {
  const rows = Array.from({ length: 1500 }, (_, i) => ({ id: i }));
  const plans = planDelete(d, t, ['id'], rows);
  assert.equal(plans.length, 2);
  assert.equal(plans[0]!.kind === 'single' && plans[0]!.binds.length, 1000);
  assert.match(plans[1]!.sql, /^DELETE FROM "ORDERS" WHERE "ID" IN \(:1, :2, .*, :500\)$/);
  assert.deepEqual(buildDeleteWhere(d, t, 'created < :c', { c: new Date(0) }), {
    sql: 'DELETE FROM "ORDERS" WHERE (created < :1)',
    binds: [{ type: 'TIMESTAMP_TZ', val: new Date(0) }],
  });
});

test('paged select: OFFSET n ROWS FETCH NEXT m ROWS ONLY after ORDER BY; the count shares the condition and its binds', () => {
  const q = { table: { name: 'orders' }, fields: ['id'], where: 'status = :st', binds: { st: 'OPEN' }, orderBy: [{ column: 'id', descending: false }] };
  const page = buildSelect(d, { ...q, limit: 21, offset: 40 });
  assert.equal(page.sql, 'SELECT "ID" FROM "ORDERS" WHERE (status = :1) ORDER BY "ID" ASC OFFSET :3 ROWS FETCH NEXT :2 ROWS ONLY');
  assert.deepEqual(page.binds, ['OPEN', 21, 40]);
  const count = buildCount(d, q);
  assert.equal(count.sql, 'SELECT COUNT(*) AS "n" FROM "ORDERS" WHERE (status = :1)');
  assert.deepEqual(count.binds, ['OPEN']);
});
