/** The SQL of incremental selects per dialect (pure; Oracle has no server here, so its text is checked). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSelect } from './build-read.ts';
import { mysqlDialect } from '../mysql/mysql/dialect.ts';
import { postgresDialect } from '../postgres/postgres/dialect.ts';
import { oracleDialect } from '../oracle/oracle/dialect.ts';
import { readIncremental, startPosition, storedPosition } from './incremental.ts';
import { comparePositions } from './exactly-once.ts';

const query = {
  table: { name: 'orders' },
  fields: ['id', 'v'],
  binds: {},
  orderBy: [],
  limit: 100,
  incremental: { column: 'ts', key: 'id', mode: 'timestamp+incrementing' as const, delayMs: 5000, after: { column: '2025-01-01 12:00:00.5', key: '7' } },
};

test('(column, key) past the watermark, ordered by both, below the database clock minus the delay', () => {
  assert.deepEqual(buildSelect(mysqlDialect, query), {
    sql:
      'SELECT `id`, `v`, CAST(`ts` AS CHAR) AS `__tributary_wm`, CAST(`id` AS CHAR) AS `__tributary_wk` FROM `orders` ' +
      'WHERE (`ts` > ? OR (`ts` = ? AND `id` > ?)) AND `ts` < (NOW(6) - INTERVAL (? * 1000) MICROSECOND) ORDER BY `ts` ASC, `id` ASC LIMIT ?',
    binds: ['2025-01-01 12:00:00.5', '2025-01-01 12:00:00.5', '7', 5000, 100],
  });
  assert.equal(
    buildSelect(postgresDialect, query).sql,
    'SELECT "id", "v", "ts"::text AS "__tributary_wm", "id"::text AS "__tributary_wk" FROM "orders" ' +
      `WHERE ("ts" > $1 OR ("ts" = $2 AND "id" > $3)) AND "ts" < (LOCALTIMESTAMP - $4::double precision * INTERVAL '1 millisecond') ORDER BY "ts" ASC, "id" ASC LIMIT $5`,
  );
  assert.equal(
    buildSelect(oracleDialect, query).sql,
    'SELECT "ID", "V", TO_CHAR("TS") AS "__tributary_wm", TO_CHAR("ID") AS "__tributary_wk" FROM "ORDERS" ' +
      `WHERE ("TS" > :1 OR ("TS" = :2 AND "ID" > :3)) AND "TS" < (SYS_EXTRACT_UTC(SYSTIMESTAMP) - NUMTODSINTERVAL(:4 / 1000, 'SECOND')) ORDER BY "TS" ASC, "ID" ASC FETCH FIRST :5 ROWS ONLY`,
  );
});

test('incrementing mode without a key reads as before: column above the watermark, no clock bound', () => {
  const { sql } = buildSelect(mysqlDialect, { ...query, incremental: { column: 'id', mode: 'incrementing', after: '41' } });
  assert.equal(sql, 'SELECT `id`, `v`, CAST(`id` AS CHAR) AS `__tributary_wm` FROM `orders` WHERE `id` > ? ORDER BY `id` ASC LIMIT ?');
});

test('a stored watermark of an earlier version (the column text) still starts the read; pairs are stored as objects', () => {
  const inc = readIncremental({ column: 'ts', key: 'id', mode: 'timestamp+incrementing', initial: '2024-01-01' }, 64)!;
  assert.deepEqual(inc, { column: 'ts', key: 'id', mode: 'timestamp+incrementing', delayMs: 0, initial: '2024-01-01' });
  assert.deepEqual(startPosition('2025-01-01 00:00:00', inc), { column: '2025-01-01 00:00:00' });
  assert.deepEqual(startPosition({ column: 'a', key: '3' }, inc), { column: 'a', key: '3' });
  assert.deepEqual(startPosition(undefined, inc), { column: '2024-01-01' });
  assert.equal(startPosition(undefined, { ...inc, initial: null }), undefined);
  assert.equal(storedPosition({ column: '5' }), '5');
  assert.deepEqual(storedPosition({ column: 'a', key: '3' }), { column: 'a', key: '3' });
});

test('exactly-once positions compare as numbers when both are, else as the source text', () => {
  const cmp = (a: string, b: string, ak?: string, bk?: string): number =>
    Math.sign(comparePositions({ column: a, ...(ak ? { key: ak } : {}) }, { column: b, ...(bk ? { key: bk } : {}) }));
  assert.equal(cmp('9', '10'), -1);
  assert.equal(cmp('12345678901234567890', '12345678901234567889'), 1);
  assert.equal(cmp('-5', '3'), -1);
  assert.equal(cmp('-5', '-10'), 1);
  assert.equal(cmp('1.5', '1.25'), 1);
  assert.equal(cmp('1.50', '1.5'), 0);
  assert.equal(cmp('2025-01-01 12:00:00', '2025-01-01 12:00:00.5'), -1);
  assert.equal(cmp('2025-01-01 12:00:00.123456', '2025-01-01 12:00:00.5'), -1);
  assert.equal(cmp('2025-01-01 12:00:00.5', '2025-01-01 12:00:00.5', '9', '10'), -1);
  assert.equal(cmp('2025-01-01 12:00:00.5', '2025-01-01 12:00:00.5', '10', '10'), 0);
});
