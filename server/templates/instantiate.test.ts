import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument, FlowNode } from '../../core/flow-types.ts';
import type { NodeSpec, ValidationIssue } from '../../core/node-spec.ts';
import { validateFlow } from '../../core/validate-flow.ts';
import { SchemaChecker } from '../../core/schema-check.ts';
import { logicByType, specsByType } from '../../catalogue/index.ts';
import { serverParamsChecks } from '../../catalogue/server.ts';
import { connectionCheck } from '../flows/connection-check.ts';
import { allTemplates, templatesById } from '../../templates/index.ts';
import { instantiate, TemplateParamsError } from './instantiate.ts';

const CONNECTIONS: Record<string, string> = { my: 'mysql', pg: 'postgres', ora: 'oracle', mq: 'mqtt', kf: 'kafka', web: 'http' };
const connectionType = (id: string): string | undefined => CONNECTIONS[id];
const checker = new SchemaChecker();

/** The registered specs; the name of a type that has none. */
async function specsWith(types: Iterable<string>): Promise<Map<string, NodeSpec> | string> {
  for (const type of types) if (!specsByType.has(type)) return type;
  return new Map(specsByType);
}

const paramsChecks = await serverParamsChecks();

function validate(doc: FlowDocument, specs: ReadonlyMap<string, NodeSpec>): ValidationIssue[] {
  const checks = [(n: FlowNode) => paramsChecks.get(n.type)?.(n.params) ?? [], connectionCheck(connectionType)];
  return validateFlow(structuredClone(doc), { specs, logic: logicByType, checker, extraNodeChecks: (n, s) => checks.flatMap((c) => c(n, s)) });
}

const schedule = { unit: 'minute', interval: 1, atSeconds: [0], timezone: 'GMT' };

/** params of every template, covering each variant of its flow */
const CASES: Record<string, Record<string, Record<string, unknown>>> = {
  'mysql-to-oracle-sync': {
    roma: { source: 'my', target: 'ora', sourceTable: 'src', fields: ['aa', 'bb'], targetTable: 'TEST', mapping: { TEST_INTEGER: 'aa', TEST_VARCHAR: 'bb' }, ...schedule },
    incremental: { source: 'my', target: 'ora', sourceTable: 'src', fields: ['id', 'aa'], targetTable: 'TEST', mapping: { ID: 'id', A: 'aa' }, incrementalColumn: 'id', incrementalInitial: 0, limit: 1000, unit: 'second', interval: 30, taskMode: 'serial' },
  },
  'db-to-db-sync': {
    'mysql → postgres upsert, incremental, mapped': { source: 'my', target: 'pg', sourceTable: 'orders', fields: ['id', 'name', 'rev'], incrementalColumn: 'rev', targetTable: 'public.orders_copy', mapping: { order_id: 'id', title: 'name' }, keys: ['order_id'] },
    'postgres → oracle insert, all columns': { source: 'pg', target: 'ora', sourceTable: 'orders', targetTable: 'ORDERS', writeMode: 'insert', unit: 'hour', atSeconds: [0, 30], timezone: 'Asia/Shanghai' },
    'oracle → mysql upsert, same names': { source: 'ora', target: 'my', sourceTable: 'HR.EMP', targetTable: 'emp', keys: ['EMPNO'], incrementalColumn: 'EMPNO', incrementalInitial: 7000, limit: 500, batchSize: 100 },
  },
  'mqtt-to-db': {
    mapped: { mqtt: 'mq', target: 'my', topic: 'parking/out/+', targetTable: 'ParkingData', mapping: { DeviceId: 'deviceId', Status: 'data.status' }, writeMode: 'upsert', keys: ['DeviceId'], persistentSession: true },
    'same names': { mqtt: 'mq', target: 'pg', topic: 'sensors/#', targetTable: 'readings', qos: 0 },
  },
  'kafka-to-db': {
    mapped: { kafka: 'kf', target: 'pg', topic: 'flights', groupId: 'g1', targetTable: 'flight_data', mapping: { id: 'id', origin: 'route.from' }, keys: ['id'] },
    'same names, insert': { kafka: 'kf', target: 'ora', topic: 'orders', groupId: 'g2', targetTable: 'ORDERS', writeMode: 'insert', fromBeginning: true },
  },
  'db-to-kafka': {
    'per row with key': { source: 'pg', kafka: 'kf', sourceTable: 'orders', fields: ['id', 'total'], incrementalColumn: 'id', topic: 'orders', keyField: 'id' },
    batch: { source: 'my', kafka: 'kf', sourceTable: 'orders', incrementalColumn: 'id', incrementalInitial: 10, topic: 'orders.batch', mode: 'batch', limit: 100 },
  },
  'db-as-http-api': {
    'filtered, bearer': { source: 'my', sourceTable: 'ParkingData', fields: ['Status'], where: 'Status = :status', queryParams: ['status'], path: 'api/parking', auth: 'bearer', secret: 'token-123456' },
    minimal: { source: 'pg', sourceTable: 'orders', path: 'orders', orderBy: ['id'], limit: 10, resultName: 'rows' },
  },
};

test('every template has cases', () => {
  assert.deepEqual(Object.keys(CASES).sort(), allTemplates.map((t) => t.id).sort());
});

for (const [id, cases] of Object.entries(CASES)) {
  for (const [label, params] of Object.entries(cases)) {
    test(`${id} (${label}) instantiates into a flow that passes validateFlow`, async (t) => {
      const template = templatesById.get(id)!;
      const doc = instantiate(template, params, { connectionType, name: `${id} ${label}` });
      const specs = await specsWith(doc.nodes.map((n) => n.type));
      if (typeof specs === 'string') return t.skip(`node type ${specs} has no spec yet`);
      assert.deepEqual(validate(doc, specs), []);
      assert.equal(doc.name, `${id} ${label}`);
      assert.equal(doc.description, template.description);
      assert.ok(JSON.stringify(doc).indexOf('{{') === -1, 'no placeholder left');
    });
  }
}

test('mysql-to-oracle-sync has exactly ROMA Connect’s shape', () => {
  const doc = instantiate(templatesById.get('mysql-to-oracle-sync')!, CASES['mysql-to-oracle-sync']!['roma'], { connectionType, name: 'ROMA' });
  assert.deepEqual(
    doc.nodes.map((n) => [n.id, n.type]),
    [['415940', 'timer'], ['415941', 'mysql'], ['500885', 'loop'], ['415943', 'oracle']],
  );
  assert.deepEqual(doc.nodes[0]!.params, { unit: 'minute', interval: 1, atSeconds: [0], timezone: 'GMT', taskMode: 'parallel', runImmediately: false });
  assert.deepEqual(doc.nodes[1]!.params, { connection: 'my', action: 'select', table: 'src', fields: ['aa', 'bb'] });
  assert.deepEqual(doc.nodes[2]!.params, {});
  assert.deepEqual(doc.nodes[3]!.params, {
    connection: 'ora',
    action: 'insert',
    table: 'TEST',
    values: { TEST_INTEGER: '${500885|payload.aa}', TEST_VARCHAR: '${500885|payload.bb}' },
  });
  assert.deepEqual(doc.edges, [
    { source: '415940', sourcePort: 'out', target: '415941', targetPort: 'in' },
    { source: '415941', sourcePort: 'out', target: '500885', targetPort: 'in' },
    { source: '500885', sourcePort: 'each', target: '415943', targetPort: 'in' },
  ]);
  assert.deepEqual(validate(doc, specsByType), []);
});

test('the sync templates pass the incremental key, mode and delay to the select', () => {
  for (const id of ['mysql-to-oracle-sync', 'db-to-db-sync', 'db-to-kafka']) {
    const base = Object.values(CASES[id]!).find((c) => c['incrementalColumn'] !== undefined)!;
    const params = { ...base, incrementalColumn: 'updated_at', incrementalKey: 'id', incrementalMode: 'timestamp+incrementing', incrementalDelayMs: 5000 };
    const doc = instantiate(templatesById.get(id)!, params, { connectionType });
    const inc = doc.nodes[1]!.params['incremental'] as Record<string, unknown>;
    assert.deepEqual({ ...inc, initial: undefined }, { column: 'updated_at', key: 'id', mode: 'timestamp+incrementing', delayMs: 5000, initial: undefined }, id);
  }
});

test('db-to-db-sync passes the exactly-once option to the write', () => {
  const base = CASES['db-to-db-sync']!['mysql → postgres upsert, incremental, mapped']!;
  const tpl = templatesById.get('db-to-db-sync')!;
  assert.equal(instantiate(tpl, { ...base, exactlyOnce: true }, { connectionType }).nodes[2]!.params['exactlyOnce'], true);
  assert.equal(instantiate(tpl, base, { connectionType }).nodes[2]!.params['exactlyOnce'], undefined);
});

test('mysql-to-oracle-sync with an incremental column selects incrementally', () => {
  const doc = instantiate(templatesById.get('mysql-to-oracle-sync')!, CASES['mysql-to-oracle-sync']!['incremental'], { connectionType });
  assert.deepEqual(doc.nodes[1]!.params['incremental'], { column: 'id', initial: 0 });
  assert.equal(doc.nodes[1]!.params['limit'], 1000);
  assert.equal(doc.nodes[0]!.params['taskMode'], 'serial');
  assert.equal(doc.name, 'Scheduled MySQL to Oracle sync');
});

test('db-to-db-sync: node types follow the chosen connections; batched upsert without a loop', () => {
  const tpl = templatesById.get('db-to-db-sync')!;
  const doc = instantiate(tpl, CASES['db-to-db-sync']!['mysql → postgres upsert, incremental, mapped'], { connectionType });
  assert.deepEqual(doc.nodes.map((n) => n.type), ['timer', 'mysql', 'postgres']);
  assert.deepEqual(doc.nodes[1]!.params, { connection: 'my', action: 'select', table: 'orders', fields: ['id', 'name', 'rev'], incremental: { column: 'rev' } });
  assert.deepEqual(doc.nodes[2]!.params, {
    connection: 'pg',
    action: 'upsert',
    table: 'public.orders_copy',
    keys: ['order_id'],
    values: { order_id: '${payload.id}', title: '${payload.name}' },
    batchSize: 500,
  });
  assert.equal(doc.nodes[0]!.params['taskMode'], 'serial');
  const insert = instantiate(tpl, CASES['db-to-db-sync']!['postgres → oracle insert, all columns'], { connectionType });
  assert.deepEqual(insert.nodes.map((n) => n.type), ['timer', 'postgres', 'oracle']);
  assert.equal(insert.nodes[2]!.params['action'], 'insert');
  assert.equal(insert.nodes[2]!.params['keys'], undefined);
  assert.equal(insert.nodes[2]!.params['values'], undefined);
  assert.equal(insert.nodes[1]!.params['incremental'], undefined);
});

test('mqtt-to-db puts a set node in front only with a mapping; kafka-to-db maps each record of a batch in the write', () => {
  const mq = templatesById.get('mqtt-to-db')!;
  const mapped = instantiate(mq, CASES['mqtt-to-db']!['mapped'], { connectionType });
  assert.deepEqual(mapped.nodes.map((n) => n.type), ['mqtt-in', 'set', 'mysql']);
  assert.deepEqual(mapped.nodes[1]!.params, { fields: { 'payload.DeviceId': '${payload.deviceId}', 'payload.Status': '${payload.data.status}' }, mode: 'replace' });
  assert.deepEqual(mapped.edges.map((e) => `${e.source}>${e.target}`), ['720301>720302', '720302>720303']);
  const plain = instantiate(mq, CASES['mqtt-to-db']!['same names'], { connectionType });
  assert.deepEqual(plain.nodes.map((n) => n.type), ['mqtt-in', 'postgres']);
  assert.deepEqual(plain.edges, [{ source: '720301', target: '720303' }]);
  assert.equal(plain.nodes[1]!.params['action'], 'insert');
  const kafka = instantiate(templatesById.get('kafka-to-db')!, CASES['kafka-to-db']!['mapped'], { connectionType });
  // bounded attempts and a dead-letter topic by default (issue 8, finding 7)
  assert.deepEqual(kafka.nodes[0]!.params, {
    connection: 'kf', topics: ['flights'], groupId: 'g1', fromBeginning: false, format: 'json', batchSize: 500, concurrency: 4,
    maxAttempts: 5, onParseError: 'deadLetter', deadLetterTopic: 'flights.dlq', retryBackoffMs: 500, retryBackoffMaxMs: 30000,
  });
  const noDlq = instantiate(templatesById.get('kafka-to-db')!, { ...CASES['kafka-to-db']!['mapped'], deadLetter: false }, { connectionType });
  assert.deepEqual([noDlq.nodes[0]!.params['onParseError'], noDlq.nodes[0]!.params['deadLetterTopic']], ['skip', '']);
  assert.deepEqual(kafka.nodes.map((n) => n.type), ['kafka-in', 'postgres']);
  assert.deepEqual(kafka.nodes[1]!.params, {
    connection: 'pg', action: 'upsert', table: 'flight_data', keys: ['id'], values: { id: '${payload.id}', origin: '${payload.route.from}' }, batchSize: 500, required: { id: 'id', origin: 'route.from' },
  });
  const sameNames = instantiate(templatesById.get('kafka-to-db')!, CASES['kafka-to-db']!['same names, insert'], { connectionType });
  assert.equal(sameNames.nodes[1]!.params['values'], undefined);
});

test('db-to-kafka: per row through a loop, or one record per page', () => {
  const tpl = templatesById.get('db-to-kafka')!;
  const perRow = instantiate(tpl, CASES['db-to-kafka']!['per row with key'], { connectionType });
  assert.deepEqual(perRow.nodes.map((n) => n.type), ['timer', 'postgres', 'loop', 'kafka-out']);
  assert.deepEqual(perRow.nodes[3]!.params, { connection: 'kf', topic: 'orders', key: '${940503|payload.id}', value: '${940503|payload}' });
  const batch = instantiate(tpl, CASES['db-to-kafka']!['batch'], { connectionType });
  assert.deepEqual(batch.nodes.map((n) => n.type), ['timer', 'mysql', 'kafka-out']);
  assert.deepEqual(batch.edges.map((e) => `${e.source}>${e.target}`), ['940501>940502', '940502>940505']);
  assert.deepEqual(batch.nodes[1]!.params['incremental'], { column: 'id', initial: 10 });
});

const PAGE_QUERY = (size: number) => ({
  page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
  pageSize: { type: 'integer', minimum: 1, maximum: size, default: size },
});

test('db-as-http-api: binds from the query string, one page of rows under the result name with page, pageSize, total, next', () => {
  const tpl = templatesById.get('db-as-http-api')!;
  const doc = instantiate(tpl, CASES['db-as-http-api']!['filtered, bearer'], { connectionType });
  assert.deepEqual(doc.nodes[0]!.params, { method: 'GET', path: 'api/parking', auth: 'bearer', token: 'token-123456', query: PAGE_QUERY(100) });
  assert.deepEqual(doc.nodes[1]!.params, {
    connection: 'my',
    action: 'select',
    table: 'ParkingData',
    fields: ['Status'],
    where: 'Status = :status',
    binds: { status: '${req.query.status}' },
    paging: { page: '${req.query.page}', size: '${req.query.pageSize}', total: true },
  });
  const paging = { page: '${paging.page}', pageSize: '${paging.pageSize}', total: '${paging.total}', next: '${paging.next}' };
  assert.deepEqual(doc.nodes[2]!.params, { status: 200, body: { default: '${payload}', ...paging } });
  const minimal = instantiate(tpl, { ...CASES['db-as-http-api']!['minimal'], countTotal: false }, { connectionType });
  assert.deepEqual(minimal.nodes[2]!.params['body'], { rows: '${payload}', ...paging });
  assert.deepEqual(minimal.nodes[0]!.params, { method: 'GET', path: 'orders', auth: 'none', query: PAGE_QUERY(10) });
  assert.equal((minimal.nodes[1]!.params['paging'] as { total: boolean }).total, false);
  const cors = instantiate(tpl, { ...CASES['db-as-http-api']!['minimal'], corsOrigins: ['https://app.example.com'] }, { connectionType });
  assert.deepEqual(cors.nodes[0]!.params['cors'], { origins: ['https://app.example.com'] });
});

function detailsOf(fn: () => unknown): ValidationIssue[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TemplateParamsError, String(err));
    assert.equal(err.name, 'ValidationError');
    return err.details;
  }
  assert.fail('expected a TemplateParamsError');
}

test('bad params are refused with details naming params.<field>', () => {
  const tpl = templatesById.get('db-to-db-sync')!;
  const base = CASES['db-to-db-sync']!['mysql → postgres upsert, incremental, mapped']!;
  const missing = detailsOf(() => instantiate(tpl, { source: 'my' }, { connectionType }));
  assert.deepEqual(missing.map((d) => d.path).sort(), ['params.keys', 'params.sourceTable', 'params.target', 'params.targetTable']);
  assert.deepEqual(detailsOf(() => instantiate(tpl, 'nope', { connectionType })), [{ path: 'params', message: 'must be an object of param name → value' }]);
  const badValues = detailsOf(() => instantiate(tpl, { ...base, interval: 0, unit: 'week', sourceTable: 'a b', extra: 1 }, { connectionType }));
  assert.deepEqual(badValues.map((d) => d.path).sort(), ['params.extra', 'params.interval', 'params.sourceTable', 'params.unit']);
  const badMapping = detailsOf(() => instantiate(tpl, { ...base, mapping: { order_id: 'id', note: 'nope' }, keys: ['order_key'] }, { connectionType }));
  assert.deepEqual(badMapping, [
    { path: 'params.mapping.note', message: '"nope" maps a field that is not among the fields to read' },
    { path: 'params.keys[0]', message: '"order_key" names a key column that the mapping does not write' },
  ]);
});

test('connections must exist and have an accepted type', () => {
  const tpl = templatesById.get('mysql-to-oracle-sync')!;
  const base = CASES['mysql-to-oracle-sync']!['roma']!;
  assert.deepEqual(detailsOf(() => instantiate(tpl, { ...base, source: 'pg', target: 'gone' }, { connectionType })), [
    { path: 'params.source', message: 'connection "pg" is postgres; choose a mysql connection' },
    { path: 'params.target', message: 'connection "gone" does not exist' },
  ]);
  const db = templatesById.get('db-to-db-sync')!;
  const details = detailsOf(() => instantiate(db, { ...CASES['db-to-db-sync']!['oracle → mysql upsert, same names'], target: 'kf' }, { connectionType }));
  assert.deepEqual(details, [{ path: 'params.target', message: 'connection "kf" is kafka; choose a mysql, postgres, oracle connection' }]);
});

test('with validate, flow problems from one param are reported against that param', () => {
  const tpl = templatesById.get('db-to-db-sync')!;
  const params = { ...CASES['db-to-db-sync']!['postgres → oracle insert, all columns'], timezone: 'Mars/Olympus' };
  const details = detailsOf(() => instantiate(tpl, params, { connectionType, validate: (d) => validate(d, specsByType) }));
  assert.equal(details.length, 1);
  assert.equal(details[0]!.path, 'params.timezone');
  assert.match(details[0]!.message, /unknown time zone "Mars\/Olympus".*node "Timer", param timezone/);
  const api = templatesById.get('db-as-http-api')!;
  const unbound = detailsOf(() =>
    instantiate(api, { source: 'my', sourceTable: 't', path: 'x', where: 'a = :a' }, { connectionType, validate: (d) => validate(d, specsByType) }),
  );
  assert.equal(unbound[0]!.path, 'params.where');
  assert.match(unbound[0]!.message, /:a has no value in binds/);
});
