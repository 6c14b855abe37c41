import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSelect, buildSql } from '../../sql/build-read.ts';
import { buildDeleteWhere, buildUpdateWhere, planDelete, planInsert, planUpdate, planUpsert } from '../../sql/build-write.ts';
import { mysqlDialect as d } from './dialect.ts';

const t = { name: 'orders' };

test('select: fields, where with :binds, orderBy, limit', () => {
  const s = buildSelect(d, {
    table: { schema: 'shop', name: 'orders' },
    fields: ['id', 'total'],
    where: "status = :st AND note <> ':st' AND id IN (:ids)",
    binds: { st: 'open', ids: [1, 2] },
    orderBy: [{ column: 'id', descending: true }],
    limit: 10,
  });
  assert.equal(s.sql, "SELECT `id`, `total` FROM `shop`.`orders` WHERE (status = ? AND note <> ':st' AND id IN (?)) ORDER BY `id` DESC LIMIT ?");
  assert.deepEqual(s.binds, ['open', [1, 2], 10]);
});

test('select incremental: user where AND col > watermark, ascending, limit; exact watermark text', () => {
  const s = buildSelect(d, {
    table: t,
    fields: [],
    where: 'region = :r',
    binds: { r: 'EU' },
    orderBy: [{ column: 'name', descending: false }],
    limit: 100,
    incremental: { column: 'id', after: '9007199254740993' },
  });
  assert.equal(
    s.sql,
    'SELECT `orders`.*, CAST(`id` AS CHAR) AS `__tributary_wm` FROM `orders` WHERE (region = ?) AND `id` > ? ORDER BY `id` ASC LIMIT ?',
  );
  // a BIGINT watermark is bound as an integer literal, not a string compared as a double
  assert.deepEqual(s.binds, ['EU', 9007199254740993n, 100]);
  const first = buildSelect(d, { table: t, fields: [], binds: {}, orderBy: [], incremental: { column: 'id', after: undefined } });
  assert.equal(first.sql, 'SELECT `orders`.*, CAST(`id` AS CHAR) AS `__tributary_wm` FROM `orders` ORDER BY `id` ASC');
});

test('a :bind without a value names the param', () => {
  assert.throws(() => buildSelect(d, { table: t, fields: [], where: 'a = :a', binds: {}, orderBy: [] }), {
    message: 'params.where: :a has no value in params.binds',
  });
});

test('insert batch: one multi-row statement; objects as JSON, ISO instants as UTC wall time', () => {
  const when = new Date('2024-05-01T10:00:00.123Z');
  const plans = planInsert(d, t, [
    { id: 1, doc: { a: 1 }, at: when, seen: '2024-05-01T10:00:00.123456Z' },
    { id: 2, doc: [1, 2], at: null, seen: 'plain text' },
  ]);
  assert.deepEqual(plans, [
    {
      kind: 'single',
      sql: 'INSERT INTO `orders` (`id`, `doc`, `at`, `seen`) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
      binds: [1, '{"a":1}', when, '2024-05-01 10:00:00.123456', 2, '[1,2]', null, 'plain text'],
    },
  ]);
});

test('insert: rows with different columns become separate statements, in order', () => {
  const plans = planInsert(d, t, [{ a: 1 }, { a: 2 }, { a: 3, b: 4 }, { b: 5, a: 6 }]);
  assert.deepEqual(
    plans.map((p) => p.kind === 'single' && [p.sql, p.binds]),
    [
      ['INSERT INTO `orders` (`a`) VALUES (?), (?)', [1, 2]],
      ['INSERT INTO `orders` (`a`, `b`) VALUES (?, ?), (?, ?)', [3, 4, 6, 5]],
    ],
  );
});

test('upsert: INSERT … ON DUPLICATE KEY UPDATE the non-key columns', () => {
  const [p] = planUpsert(d, t, ['id'], [
    { id: 1, name: 'a', qty: 2 },
    { id: 2, name: 'b', qty: 3 },
  ]);
  assert.deepEqual(p, {
    kind: 'single',
    sql: 'INSERT INTO `orders` (`id`, `name`, `qty`) VALUES (?, ?, ?), (?, ?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `qty` = VALUES(`qty`)',
    binds: [1, 'a', 2, 2, 'b', 3],
  });
  const [onlyKeys] = planUpsert(d, t, ['id'], [{ id: 1 }]);
  assert.equal(onlyKeys!.kind === 'single' && onlyKeys!.sql, 'INSERT INTO `orders` (`id`) VALUES (?) ON DUPLICATE KEY UPDATE `id` = VALUES(`id`)');
  assert.throws(() => planUpsert(d, t, ['code'], [{ id: 1 }]), { message: /^params\.keys: key column "code"/ });
});

test('update by keys: one statement per row in a transaction; by where: one statement', () => {
  const [p] = planUpdate(d, t, ['id'], [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
  ]);
  assert.deepEqual(p, { kind: 'each', sql: 'UPDATE `orders` SET `name` = ? WHERE `id` = ?', rows: [['a', 1], ['b', 2]] });
  const w = buildUpdateWhere(d, t, { status: 'done' }, 'id = :id', { id: 7 });
  assert.deepEqual(w, { sql: 'UPDATE `orders` SET `status` = ? WHERE (id = ?)', binds: ['done', 7] });
  assert.throws(() => planUpdate(d, t, ['id'], [{ id: 1 }]), { message: /^params\.values: nothing to update/ });
});

test('delete by keys: IN list for one key, OR of ANDs for several; by where', () => {
  assert.deepEqual(planDelete(d, t, ['id'], [{ id: 1 }, { id: 2 }]), [{ kind: 'single', sql: 'DELETE FROM `orders` WHERE `id` IN (?, ?)', binds: [1, 2] }]);
  assert.deepEqual(planDelete(d, t, ['a', 'b'], [{ a: 1, b: 'x' }, { a: 2, b: 'y' }]), [
    { kind: 'single', sql: 'DELETE FROM `orders` WHERE (`a` = ? AND `b` = ?) OR (`a` = ? AND `b` = ?)', binds: [1, 'x', 2, 'y'] },
  ]);
  assert.deepEqual(buildDeleteWhere(d, t, 'created < :c', { c: '2020-01-01' }), { sql: 'DELETE FROM `orders` WHERE (created < ?)', binds: ['2020-01-01'] });
});

test('sql passthrough: :binds become ?, values never enter the text', () => {
  const s = buildSql(d, "SELECT * FROM t WHERE a = :a OR b = ':a' OR c = :evil", { a: 1, evil: "x'; DROP TABLE t; --" });
  assert.deepEqual(s, { sql: "SELECT * FROM t WHERE a = ? OR b = ':a' OR c = ?", binds: [1, "x'; DROP TABLE t; --"] });
});

test('identifiers are backtick-quoted and kept as written', () => {
  assert.equal(d.quoteIdent('CustomerID'), '`CustomerID`');
  assert.throws(() => d.quoteIdent('a`b'));
});
