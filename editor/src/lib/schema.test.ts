// Reading the real node specs' params schemas to build forms: which control each field gets,
// its label, defaults, required marks and when it shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONNECTION_TYPES } from '../../../catalogue/index.ts';
import { nodeTypeInfo, nodeTypeInfos } from '../testing/server.test-support.ts';
import {
  defaultOf, enumLabel, isShown, itemsOf, keyValueStringsOnly, kindOf, orderedFields, propertiesOf, requiredFor, requiredOf, titleOf, withDefaults,
  type FieldKind,
} from './schema.ts';

const kinds = (type: string): Record<string, FieldKind> => {
  const info = nodeTypeInfo(type);
  return Object.fromEntries(Object.entries(propertiesOf(info.paramsSchema)).map(([name, s]) => [name, kindOf(s, info.ui.widgets?.[name])]));
};

test('every field of every node type gets a control and a label', () => {
  for (const info of nodeTypeInfos) {
    const props = propertiesOf(info.paramsSchema);
    assert.equal(info.paramsSchema['type'], 'object', info.type);
    for (const [name, schema] of Object.entries(props)) {
      const kind = kindOf(schema, info.ui.widgets?.[name]);
      // "literal" is the one-line any-value box: right only for fields that declare no type
      if (kind === 'literal') assert.equal(schema['type'], undefined, `${info.type}.${name}`);
      assert.ok(titleOf(schema, name).length > 0, `${info.type}.${name}`);
    }
    // the form order names only real fields
    for (const name of info.ui.order ?? []) assert.ok(props[name], `${info.type} ui.order names ${name}`);
    for (const name of Object.keys(info.ui.showIf ?? {})) assert.ok(props[name], `${info.type} ui.showIf names ${name}`);
  }
});

test('the controls of a timer: unit choice, interval number, seconds list, text, checkbox', () => {
  assert.deepEqual(kinds('timer'), {
    unit: 'enum', interval: 'integer', atSeconds: 'number-list', timezone: 'string', anchor: 'string', taskMode: 'enum', runImmediately: 'boolean', cron: 'string',
  });
});

test('the controls of a database node: connection picker, table picker, SQL boxes, column lists, number-or-expression', () => {
  const k = kinds('mysql');
  assert.equal(k['connection'], 'connection');
  assert.equal(k['action'], 'enum');
  assert.equal(k['table'], 'table');
  assert.equal(k['where'], 'sql');
  assert.equal(k['sql'], 'sql');
  assert.equal(k['fields'], 'columns');
  assert.equal(k['binds'], 'keyvalue');
  assert.equal(k['limit'], 'int-or-expr');
  assert.equal(k['batchSize'], 'int-or-expr');
  assert.equal(k['incremental'], 'object');
  assert.deepEqual(kinds('postgres'), k);
  assert.deepEqual(kinds('oracle'), k);
});

test('script code is a code editor; switch rules a list of small forms; set fields key → value rows', () => {
  assert.equal(kinds('script')['code'], 'code');
  assert.equal(kinds('script')['connections'], 'connections', 'ctx.db connections: several pickable at once');
  assert.equal(kinds('switch')['rules'], 'object-list');
  const rule = itemsOf(propertiesOf(nodeTypeInfo('switch').paramsSchema)['rules']!);
  assert.deepEqual(Object.fromEntries(Object.entries(propertiesOf(rule)).map(([n, s]) => [n, kindOf(s)])), { value: 'literal', op: 'enum', arg: 'literal' });
  assert.equal(kinds('set')['fields'], 'keyvalue');
  assert.equal(kinds('inject')['payload'], 'json');
  assert.equal(kinds('kafka-in')['topics'], 'string-list');
  assert.equal(kinds('kafka-out')['partition'], 'int-or-expr');
});

test('labels: the schema title, else the field name made readable', () => {
  assert.equal(titleOf({ title: 'Stop at first match' }, 'stopAtFirst'), 'Stop at first match');
  assert.equal(titleOf({}, 'stopAtFirst'), 'Stop at first');
  assert.equal(titleOf({}, 'max_attempts'), 'Max attempts');
  assert.equal(titleOf({}, 'retryBackoffMs'), 'Retry backoff ms');
});

test('required marks follow the schema', () => {
  assert.deepEqual(requiredOf(nodeTypeInfo('kafka-in').paramsSchema), ['connection', 'topics', 'groupId']);
  assert.deepEqual(requiredOf(nodeTypeInfo('switch').paramsSchema), ['rules']);
  assert.deepEqual(requiredOf(nodeTypeInfo('log').paramsSchema), []);
});

test('fields required only in one mode are marked in that mode', () => {
  const mysql = CONNECTION_TYPES['mysql']!.paramsSchema;
  assert.deepEqual(requiredFor(mysql, withDefaults(mysql, {})), ['host', 'user']);
  assert.deepEqual(requiredFor(mysql, { mode: 'professional' }), []);
  assert.deepEqual(requiredFor(CONNECTION_TYPES['postgres']!.paramsSchema, {}), ['host', 'user']);
  assert.deepEqual(requiredFor(nodeTypeInfo('kafka-in').paramsSchema, {}), ['connection', 'topics', 'groupId']);
});

test('fields come in the node type\'s form order, the rest as declared', () => {
  const script = nodeTypeInfo('script');
  assert.deepEqual(orderedFields(script.paramsSchema, script.ui.order), ['code', 'outputs', 'timeoutMs', 'connections']);
  assert.deepEqual(orderedFields({ properties: { a: {}, b: {}, c: {} } }, ['c', 'gone']), ['c', 'a', 'b']);
});

test('an empty form stands for the defaults the server will use', () => {
  const timer = nodeTypeInfo('timer');
  assert.deepEqual(withDefaults(timer.paramsSchema, {}), {
    unit: 'minute', interval: 1, atSeconds: [0], timezone: 'GMT', taskMode: 'parallel', runImmediately: false,
  });
  assert.equal(withDefaults(timer.paramsSchema, { interval: 5 })['interval'], 5);
  assert.equal(defaultOf(propertiesOf(nodeTypeInfo('script').paramsSchema)['code']!), 'return msg;');
});

test('fields show only for the choices they belong to, judged on the defaults when nothing is chosen', () => {
  const mysql = nodeTypeInfo('mysql');
  const showIf = mysql.ui.showIf ?? {};
  const shown = (params: Record<string, unknown>): string[] =>
    Object.keys(propertiesOf(mysql.paramsSchema)).filter((n) => isShown(showIf[n], withDefaults(mysql.paramsSchema, params)));
  assert.deepEqual(shown({}), ['connection', 'action', 'table', 'fields', 'where', 'binds', 'orderBy', 'limit', 'paging', 'incremental', 'pageSize']);
  assert.deepEqual(shown({ action: 'insert' }), ['connection', 'action', 'table', 'values', 'required', 'exactlyOnce', 'batchSize', 'maxAttempts', 'backoffMs', 'deadLetter']);
  assert.deepEqual(shown({ action: 'sql' }), ['connection', 'action', 'binds', 'sql', 'pageSize']);
  const httpIn = nodeTypeInfo('http-in');
  const auth = (a: string): string[] =>
    ['username', 'password', 'token', 'apiKeyHeader', 'apiKey'].filter((n) => isShown(httpIn.ui.showIf?.[n], withDefaults(httpIn.paramsSchema, { auth: a })));
  assert.deepEqual(auth('none'), []);
  assert.deepEqual(auth('basic'), ['username', 'password']);
  assert.deepEqual(auth('apiKey'), ['apiKeyHeader', 'apiKey']);
});

test('choices show their explanation next to the value', () => {
  const qos = propertiesOf(nodeTypeInfo('mqtt-out').paramsSchema)['qos']!;
  assert.equal(enumLabel(qos, 1), '1 · at least once', 'a label that already names its value does not repeat it');
  assert.equal(enumLabel(propertiesOf(nodeTypeInfo('kafka-out').paramsSchema)['acks']!, -1), '-1 — all in-sync replicas');
  assert.equal(enumLabel({ enum: ['a'] }, 'a'), 'a');
});

test('header values stay text only where the schema says values are strings', () => {
  assert.equal(keyValueStringsOnly({ type: 'object', additionalProperties: { type: 'string' } }), true);
  assert.equal(keyValueStringsOnly(propertiesOf(nodeTypeInfo('http-request').paramsSchema)['headers']!), false);
  assert.equal(keyValueStringsOnly(propertiesOf(nodeTypeInfo('set').paramsSchema)['fields']!), false);
});
