import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaChecker } from '../../core/schema-check.ts';
import { mysqlNode, mysqlSpec } from '../mysql/mysql/spec.ts';
import { oracleNode, oracleSpec } from '../oracle/oracle/spec.ts';
import { postgresNode, postgresSpec } from '../postgres/postgres/spec.ts';
import { SqlParamError, parseOrderItem, parseTable } from './identifiers.ts';
import { readParams } from './params.ts';

const definitions = new Map([mysqlNode, postgresNode, oracleNode].map((d) => [d.spec, d]));
const issues = (params: Record<string, unknown>, spec = mysqlSpec) => definitions.get(spec)!.logic!.validate!(params);
const checker = new SchemaChecker();

test('specs: same params for the three databases, one connection type each', () => {
  for (const [spec, type] of [
    [mysqlSpec, 'mysql'],
    [postgresSpec, 'postgres'],
    [oracleSpec, 'oracle'],
  ] as const) {
    assert.equal(spec.type, type);
    assert.deepEqual(spec.connectionTypes, [type]);
    assert.deepEqual(spec.inputs, ['in']);
    assert.deepEqual(spec.outputs, ['out']);
    assert.deepEqual(spec.rawParams, ['where', 'sql']);
    assert.deepEqual(spec.lazyParams, ['values']);
    assert.equal(spec.category, 'database');
  }
  const action = (mysqlSpec.paramsSchema['properties'] as Record<string, Record<string, unknown>>)['action']!;
  assert.deepEqual(action['x-enumLabels'], {
    select: 'get records',
    insert: 'add records',
    upsert: 'add or update records',
    update: 'update records',
    delete: 'delete records',
    sql: 'run SQL',
  });
});

test('schema: defaults batchSize 500 and pageSize 1000; expressions allowed in numbers', () => {
  const filled = checker.withDefaults(mysqlSpec.paramsSchema, { connection: 'c1', table: 't' });
  assert.deepEqual(filled, { connection: 'c1', table: 't', action: 'select', batchSize: 500, pageSize: 1000 });
  assert.deepEqual(checker.check(mysqlSpec.paramsSchema, { connection: 'c1', limit: '${payload.n}' }, 'params'), []);
  assert.notDeepEqual(checker.check(mysqlSpec.paramsSchema, { connection: 'c1', limit: 0 }, 'params'), []);
  const unknown = checker.check(mysqlSpec.paramsSchema, { connection: 'c1', tabel: 't' }, 'params');
  assert.deepEqual(unknown, [{ path: 'params.tabel', message: 'is not a known field' }]);
});

test('validate: table for table actions, keys for upsert, keys or where for update/delete, sql for sql', () => {
  assert.deepEqual(issues({ connection: 'c', action: 'select' }), [{ path: 'table', message: 'the select action needs a table' }]);
  assert.deepEqual(issues({ connection: 'c', action: 'upsert', table: 't' }), [{ path: 'keys', message: 'upsert needs the key columns' }]);
  assert.deepEqual(issues({ connection: 'c', action: 'delete', table: 't' }), [
    { path: 'keys', message: 'delete needs key columns (or a where condition)' },
  ]);
  assert.deepEqual(issues({ connection: 'c', action: 'delete', table: 't', where: 'id = :id', binds: { id: 1 } }), []);
  assert.deepEqual(issues({ connection: 'c', action: 'sql' }), [{ path: 'sql', message: 'the sql action needs a statement' }]);
  assert.deepEqual(issues({ connection: 'c', action: 'insert', table: 'test.orders', values: { id: '${payload.id}' } }), []);
});

test('validate: identifiers are checked and named by their param path', () => {
  const found = issues({
    connection: 'c',
    action: 'upsert',
    table: 'bad table',
    fields: ['ok', '1bad'],
    keys: 'id, x-y',
    orderBy: ['id DESC', 'name sideways'],
    values: { 'bad-col': '${payload.a}', good: 1 },
    incremental: { column: 'drop;', initial: 0 },
  });
  assert.deepEqual(
    found.map((i) => i.path),
    ['table', 'fields[1]', 'keys', 'orderBy[1]', 'incremental.column', 'values.bad-col'],
  );
  assert.match(found[5]!.message, /"bad-col" is not a valid column name/);
});

test('validate: expressions in identifiers are left for run time; :binds must exist', () => {
  assert.deepEqual(issues({ connection: 'c', table: '${payload.table}' }), []);
  assert.deepEqual(issues({ connection: 'c', table: 't', where: 'a = :a AND b = :b', binds: { a: 1 } }), [
    { path: 'where', message: ':b has no value in binds' },
  ]);
  // `::text` is a cast in PostgreSQL, not a bind
  assert.deepEqual(issues({ connection: 'c', action: 'sql', sql: 'SELECT :a::text', binds: { a: 1 } }, postgresSpec), []);
});

test('identifier length limits follow the database', () => {
  const long = 'a'.repeat(64);
  assert.deepEqual(issues({ connection: 'c', table: long }), []);
  assert.equal(issues({ connection: 'c', table: long }, postgresSpec).length, 1);
  assert.deepEqual(issues({ connection: 'c', table: 'a'.repeat(128) }, oracleSpec), []);
});

test('readParams: typed params, defaults, and errors naming the param', () => {
  const p = readParams(
    { connection: 'c', action: 'select', table: 'test.t', fields: 'a, b', orderBy: 'a desc, b', limit: '10', binds: { x: 1 } },
    64,
  );
  assert.deepEqual(p.table, { schema: 'test', name: 't' });
  assert.deepEqual(p.fields, ['a', 'b']);
  assert.deepEqual(p.orderBy, [
    { column: 'a', descending: true },
    { column: 'b', descending: false },
  ]);
  assert.equal(p.limit, 10);
  assert.equal(p.batchSize, 500);
  assert.equal(p.pageSize, 1000);
  assert.throws(() => readParams({ connection: 'c', action: 'insert', table: 't', values: { 'bad-col': 1 } }, 64), {
    name: 'SqlParamError',
    message: /^params\.values\.bad-col: "bad-col" is not a valid column name/,
  });
  assert.throws(() => readParams({ connection: 'c', action: 'select', table: 't', limit: -1 }, 64), { message: /^params\.limit: must be a positive integer/ });
  assert.throws(() => readParams({ connection: 'c', action: 'select', table: 'a.b.c' }, 64), { message: /^params\.table: / });
});

test('table and orderBy parsing', () => {
  assert.deepEqual(parseTable(' sales.orders ', 64), { schema: 'sales', name: 'orders' });
  assert.throws(() => parseTable('orders; drop table x', 64), SqlParamError);
  assert.throws(() => parseTable('`orders`', 64), SqlParamError);
  assert.deepEqual(parseOrderItem('created_at DESC', 64, 'p'), { column: 'created_at', descending: true });
  assert.throws(() => parseOrderItem('created_at DESC NULLS LAST', 64, 'params.orderBy[0]'), { message: /^params\.orderBy\[0\]: / });
  assert.throws(() => parseOrderItem('(select 1)', 64, 'p'), SqlParamError);
});

test('validate: required, maxAttempts, backoffMs and deadLetter are checked and named at save time', () => {
  const base = { connection: 'c', action: 'insert', table: 't' };
  assert.deepEqual(issues({ ...base, required: ['ok', 'bad-col'], deadLetter: 'dl' }), [{ path: 'required[1]', message: issues({ ...base, keys: ['bad-col'], action: 'upsert' })[0]!.message }]);
  assert.deepEqual(issues({ ...base, required: { 'bad-col': 'x' } }).map((i) => i.path), ['required.bad-col']);
  assert.deepEqual(issues({ ...base, deadLetter: 'a.b.c' }).map((i) => i.path), ['deadLetter']);
  assert.deepEqual(issues({ ...base, action: 'update', keys: 'id', deadLetter: 'dl' }), [{ path: 'deadLetter', message: 'only insert and upsert dead-letter the records the database rejects' }]);
  assert.deepEqual(issues({ ...base, deadLetter: '${flow.dl}', required: '${flow.req}' }), []);
  const schema = mysqlSpec.paramsSchema;
  assert.equal(checker.check(schema, { ...base, maxAttempts: 3, backoffMs: 0, deadLetter: 'dl', required: { device: 'data.id' } }, 'params').length, 0);
  assert.ok(checker.check(schema, { ...base, maxAttempts: 0 }, 'params').some((i) => i.path.includes('maxAttempts')));
  assert.ok(checker.check(schema, { ...base, maxAttempts: 101 }, 'params').some((i) => i.path.includes('maxAttempts')));
});
