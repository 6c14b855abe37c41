import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNamedBinds, rewriteNamedBinds } from './named-binds.ts';
import { MYSQL_FLAVOR, ORACLE_FLAVOR, POSTGRES_FLAVOR } from './lexicons.ts';

const names = (sql: string, lex = POSTGRES_FLAVOR.lexicon): string[] => findNamedBinds(sql, lex).map((b) => b.name);

test('finds :name binds in order, repeated names included', () => {
  assert.deepEqual(names('a = :a AND (b > :b_2 OR c = :a)'), ['a', 'b_2', 'a']);
});

test('skips quoted strings, quoted identifiers and comments', () => {
  assert.deepEqual(names(`x = ':no' AND "col:no" = 1 AND y = :yes -- :no\n AND z = :z /* :no */`), ['yes', 'z']);
  assert.deepEqual(names(`x = 'it''s :no' AND y = :y`), ['y']);
});

test('PostgreSQL: :: casts, dollar quotes, E-strings and $1 are not binds', () => {
  assert.deepEqual(names(`a::text = :v AND b = $$ :no $$ AND c = $tag$ :no $tag$ AND d = E'\\' :no' AND e = $1`), ['v']);
  assert.deepEqual(names(`created_at::timestamptz > :since::timestamptz`), ['since']);
});

test('MySQL: backticks, # comments and backslash escapes', () => {
  const lex = MYSQL_FLAVOR.lexicon;
  assert.deepEqual(names("`a:b` = :v # :no\n AND s = 'x\\' :no' AND t = \"q :no\"", lex), ['v']);
  assert.deepEqual(names('@x := :v', lex), ['v']);
});

test("Oracle: q'[…]' strings, and :1 positional binds are left alone", () => {
  const lex = ORACLE_FLAVOR.lexicon;
  assert.deepEqual(names("a = q'[it's :no]' AND b = :b AND c = :1 AND d = Q'{:no}'", lex), ['b']);
});

test('rewrite replaces each use, keeping the rest byte for byte', () => {
  let n = 0;
  const out = rewriteNamedBinds("id = :id AND name = ':id' AND x = :id", POSTGRES_FLAVOR.lexicon, () => `$${++n}`);
  assert.equal(out, "id = $1 AND name = ':id' AND x = $2");
});

test('unterminated quotes and comments do not throw', () => {
  assert.deepEqual(names("a = :a AND b = 'open"), ['a']);
  assert.deepEqual(names('a = :a /* open'), ['a']);
});
