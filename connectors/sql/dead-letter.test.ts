/**
 * Dead letters and bounded retries for database writes (issue 8, deliver item 5), on the real
 * MariaDB and PostgreSQL: records the database rejects in the middle of a batch go to the
 * dead-letter table with their error, node, run and attempt count while every other record
 * arrives; a database that is down is waited for and nothing is dead-lettered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { ConnectionDriver, ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { mysqlDriver } from '../mysql/driver.ts';
import { postgresDriver } from '../postgres/driver.ts';
import { mysqlRuntime } from '../mysql/mysql/runtime.ts';
import { mysqlSpec } from '../mysql/mysql/spec.ts';
import { postgresRuntime } from '../postgres/postgres/runtime.ts';
import { postgresSpec } from '../postgres/postgres/spec.ts';
import { mysqlExecutor } from '../mysql/mysql/executor.ts';
import { postgresExecutor } from '../postgres/postgres/executor.ts';
import type { SqlExecutor } from './executor.ts';
import { readParams } from './params.ts';
import { LOCAL_MYSQL, LOCAL_POSTGRES, SqlNodeHarness } from './sql.test-support.ts';
import { classifyWriteError } from './write-errors.ts';

const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const TARGET = `trib_dlq_t_${suffix}`;
const DLQ = `trib_dlq_dl_${suffix}`;
const nodes: SqlNodeHarness[] = [];

interface Db {
  kind: 'mysql' | 'postgres';
  profile: ConnectionProfileResolved;
  exec?: SqlExecutor;
  close?: () => Promise<void>;
  ddl: string;
}
const dbs: Db[] = [
  { kind: 'mysql', profile: LOCAL_MYSQL, ddl: `CREATE TABLE ${TARGET} (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL, qty INT NOT NULL)` },
  { kind: 'postgres', profile: LOCAL_POSTGRES, ddl: `CREATE TABLE ${TARGET} (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL, qty INT NOT NULL)` },
];

async function node(db: Db, params: Record<string, unknown>, profile = db.profile): Promise<SqlNodeHarness> {
  const common = { params: { connection: profile.id, ...params }, profile };
  const h = await SqlNodeHarness.start(
    db.kind === 'mysql'
      ? { ...common, runtime: mysqlRuntime, spec: mysqlSpec, driver: mysqlDriver as ConnectionDriver<unknown> }
      : { ...common, runtime: postgresRuntime, spec: postgresSpec, driver: postgresDriver as ConnectionDriver<unknown> },
  );
  nodes.push(h);
  return h;
}

const rows = async (db: Db, sql: string): Promise<Record<string, unknown>[]> => (await db.exec!.run({ sql, binds: [] })).rows ?? [];

before(async () => {
  for (const db of dbs) {
    if (db.kind === 'mysql') {
      const pool = await mysqlDriver.open(db.profile);
      db.exec = mysqlExecutor(pool);
      db.close = () => mysqlDriver.close(pool);
    } else {
      const pool = await postgresDriver.open(db.profile);
      db.exec = postgresExecutor(pool);
      db.close = () => postgresDriver.close(pool);
    }
    await db.exec.run({ sql: db.ddl, binds: [] });
  }
});

after(async () => {
  for (const h of nodes) await h.stop();
  for (const db of dbs) {
    for (const t of [TARGET, DLQ]) await db.exec!.run({ sql: `DROP TABLE IF EXISTS ${t}`, binds: [] });
    await db.close!();
  }
});

test('params: maxAttempts, backoffMs and deadLetter are checked and named', () => {
  const base = { connection: 'c', action: 'insert', table: 't' };
  const p = readParams({ ...base, maxAttempts: 3, backoffMs: 0, deadLetter: 'ops.dead_letters' }, 64);
  assert.deepEqual([p.maxAttempts, p.backoffMs, p.deadLetter], [3, 0, { table: { schema: 'ops', name: 'dead_letters' } }]);
  assert.deepEqual([readParams(base, 64).maxAttempts, readParams(base, 64).deadLetter], [1, undefined]);
  assert.throws(() => readParams({ ...base, maxAttempts: 0 }, 64), /^SqlParamError: params\.maxAttempts: must be a positive integer up to 100, got 0$/);
  assert.throws(() => readParams({ ...base, maxAttempts: 'x' }, 64), /^SqlParamError: params\.maxAttempts: /);
  assert.throws(() => readParams({ ...base, backoffMs: -1 }, 64), /^SqlParamError: params\.backoffMs: must be an integer from 0 up to 600000/);
  assert.throws(() => readParams({ ...base, deadLetter: 'bad-name' }, 64), /^SqlParamError: params\.deadLetter: /);
  assert.throws(() => readParams({ ...base, action: 'delete', keys: 'id', deadLetter: 'dl' }, 64), /^SqlParamError: params\.deadLetter: only insert and upsert/);
});

test('error classes: connectivity and locks are transient, constraints and bad values are the record’s, the rest neither', () => {
  for (const code of ['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', '57P01', '08006', 'ER_LOCK_DEADLOCK', '40P01']) assert.equal(classifyWriteError({ code }), 'transient', code);
  for (const code of ['ER_DUP_ENTRY', 'ER_BAD_NULL_ERROR', 'ER_DATA_TOO_LONG', '23505', '23502', '22001', '22P02']) assert.equal(classifyWriteError({ code }), 'record', code);
  assert.equal(classifyWriteError({ errorNum: 1 }), 'record');
  assert.equal(classifyWriteError({ errorNum: 3113 }), 'transient');
  for (const err of [{ code: 'ER_NO_SUCH_TABLE' }, { code: '42P01' }, new Error('x')]) assert.equal(classifyWriteError(err), 'other');
});

for (const db of dbs) {
  test(`${db.kind}: bad records in the middle of a batch are dead-lettered with their error; all others arrive`, async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ id: i + 1, name: `n${i + 1}`, qty: i }));
    records[49] = { id: 50, name: 'far too long for ten', qty: 49 }; // value too long
    records[99] = { id: 10, name: 'dup', qty: 99 }; // duplicate key of record 10
    records[149] = { id: 150, name: 'x', qty: 'many' as unknown as number }; // not an integer
    const h = await node(db, { action: 'insert', table: TARGET, batchSize: 100, maxAttempts: 2, backoffMs: 10, deadLetter: DLQ });
    const r = await h.send({ payload: records });
    assert.equal(r.error, undefined, r.error?.message);
    // both batches held a bad record: each was written again row by row (197 statements that wrote)
    assert.deepEqual(r.sent[0]!.msg.payload, { rows: 200, affectedRows: 197, batches: 197, deadLettered: 3 });
    const arrived = await rows(db, `SELECT id FROM ${TARGET} ORDER BY id`);
    const expected = records.filter((_, i) => ![49, 99, 149].includes(i)).map((x) => x.id);
    assert.deepEqual(arrived.map((x) => Number(x['id'])), expected, 'every other record arrived, once');
    const dead = await rows(db, `SELECT node_id, run_id, flow_id, target_table, attempts, error_code, error, record FROM ${DLQ} ORDER BY id`);
    assert.equal(dead.length, 3);
    assert.deepEqual(dead.map((x) => JSON.parse(String(x['record']))), [records[49], records[99], records[149]], 'the original records');
    for (const x of dead) {
      // the harness gives each node its own id (n1, n2, …), as a flow does
      assert.match(String(x['node_id']), /^n\d+$/);
      assert.equal(x['node_id'], dead[0]!['node_id']);
      assert.equal(x['flow_id'], 'f_test');
      assert.equal(x['target_table'], TARGET);
      assert.equal(Number(x['attempts']), 2);
    }
    assert.match(String(dead[0]!['error']), /^payload\[49\]: .*(too long|Data too long)/i);
    assert.match(String(dead[1]!['error']), /^payload\[99\]: .*(duplicate|Duplicate)/);
    assert.match(String(dead[2]!['error']), /^payload\[149\]: .*(integer|Incorrect)/i);
    assert.deepEqual(dead.map((x) => x['error_code']), db.kind === 'mysql' ? ['ER_DATA_TOO_LONG', 'ER_DUP_ENTRY', 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD'] : ['22001', '23505', '22P02']);
  });
}

/** a free local port, then a proxy on it to `target` once `startAfterMs` passed (the database "comes back") */
async function lateProxy(target: number, startAfterMs: number): Promise<{ port: number; close: () => Promise<void> }> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  const timer = setTimeout(() => server.listen(port, '127.0.0.1'), startAfterMs);
  return {
    port,
    close: async () => {
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
    },
  };
}

for (const db of dbs) {
  test(`${db.kind}: a database that is down is waited for; when it is back every record arrives and none is dead-lettered`, async () => {
    const proxy = await lateProxy(Number(db.profile.params['port']), 1500);
    try {
      const profile = { ...db.profile, id: `${db.profile.id}_late`, params: { ...db.profile.params, port: proxy.port } };
      const h = await node(db, { action: 'insert', table: TARGET, maxAttempts: 2, backoffMs: 100, deadLetter: DLQ }, profile);
      const started = Date.now();
      const records = Array.from({ length: 20 }, (_, i) => ({ id: 1000 + i, name: `late${i}`, qty: i }));
      const r = await h.send({ payload: records });
      assert.equal(r.error, undefined, r.error?.message);
      assert.ok(Date.now() - started >= 1400, 'the write waited for the database');
      assert.match(r.trace.join('\n'), /database unreachable or busy \(ECONNREFUSED\): waiting for it/);
      assert.deepEqual(r.sent[0]!.msg.payload, { rows: 20, affectedRows: 20, batches: 1, deadLettered: 0 });
      const arrived = await rows(db, `SELECT COUNT(*) AS n FROM ${TARGET} WHERE id >= 1000 AND id < 1020`);
      assert.equal(Number(arrived[0]!['n']), 20);
      await h.stop();
    } finally {
      await proxy.close();
    }
  });

  test(`${db.kind}: a record lacking a required field goes to the dead-letter table too; without one the run fails and writes nothing`, async () => {
    const records = [{ id: 2001, name: 'ok', qty: 1 }, { id: 2002, qty: 2 }, 42];
    const withDl = await node(db, { action: 'insert', table: TARGET, required: ['name', 'qty'], deadLetter: DLQ });
    const r = await withDl.send({ payload: records });
    assert.equal(r.error, undefined, r.error?.message);
    assert.deepEqual(r.sent[0]!.msg.payload, { rows: 3, affectedRows: 1, batches: 1, deadLettered: 2 });
    const dead = await rows(db, `SELECT error_code, error, record FROM ${DLQ} WHERE record LIKE '%2002%' OR record = '42' ORDER BY id`);
    assert.deepEqual(
      dead.map((x) => [x['error_code'], String(x['error']).replace(/;.*/, ''), x['record']]),
      [
        ['MISSING_FIELD', 'payload[1]: required field "name" has no value (missing or null)', '{"id":2002,"qty":2}'],
        ['MISSING_FIELD', 'payload[2]: required field "name" is missing: the message is number 42, not an object', '42'],
      ],
    );
    const strict = await node(db, { action: 'insert', table: TARGET, required: ['name'] });
    const failed = await strict.send({ payload: [{ id: 2003, name: 'ok', qty: 3 }, { id: 2004, qty: 4 }] });
    assert.match(failed.error?.message ?? '', /^payload\[1\]: required field "name" has no value/);
    assert.equal(Number((await rows(db, `SELECT COUNT(*) AS n FROM ${TARGET} WHERE id IN (2003, 2004)`))[0]!['n']), 0);
  });
}

test('dead-letter DDL per dialect (Oracle checked without a server); one statement per column set', async () => {
  const { deadLetterDdl, deadLetterRows } = await import('./dead-letter.ts');
  const { statementParts } = await import('./write-resilient.ts');
  const { oracleDialect } = await import('../oracle/oracle/dialect.ts');
  const { mysqlDialect } = await import('../mysql/mysql/dialect.ts');
  const ora = deadLetterDdl(oracleDialect, { schema: 'ops', name: 'dead_letters' });
  assert.match(ora, /^CREATE TABLE "OPS"\."DEAD_LETTERS" \("ID" NUMBER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "FAILED_AT" TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,/);
  assert.match(ora, /"ERROR" CLOB NOT NULL, "RECORD" CLOB NOT NULL\)$/);
  assert.match(deadLetterDdl(mysqlDialect, { name: 'dl' }), /^CREATE TABLE IF NOT EXISTS `dl` \(/);
  assert.deepEqual(deadLetterRows({ flowId: 'f', nodeId: 'n', runId: 'r', target: { schema: 's', name: 't' } }, [{ record: { a: 1 }, error: 'e', attempts: 2 }]), [
    { flow_id: 'f', run_id: 'r', node_id: 'n', target_table: 's.t', attempts: 2, error_code: null, error: 'e', record: '{"a":1}' },
  ]);
  const e = (row: Record<string, unknown>) => ({ row, item: row, path: 'p' });
  const parts = statementParts(mysqlDialect, [e({ a: 1 }), e({ a: 2 }), e({ a: 3, b: 1 }), e({ b: 2, a: 4 }), e({ a: 5 })]);
  assert.deepEqual(parts.map((p) => p.map((x) => x.row['a'])), [[1, 2], [3, 4], [5]]);
});
