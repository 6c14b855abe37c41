/**
 * Issue 8, finding 7: a held partition is released by the operator (POST
 * /api/flows/:id/nodes/:nodeId/stuck/skip | dead-letter | replay) through the real server, the
 * real Kafka and PostgreSQL; and a database that is down is waited for, never dead-lettered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { Admin, Producer } from 'kafkajs';
import { startTestServer, waitFor, type TestServer } from '../../../server/server.test-support.ts';
import { BROKERS, committed, createTopic, readTopic as readAll, testAdmin, testProducer, uniqueName } from '../kafka.test-support.ts';
import { DLQ_HEADER } from './dead-letter.ts';

let s: TestServer;
let db: pg.Client;
let admin: Admin;
let producer: Producer;
const topics: string[] = [];
const tables: string[] = [];
let conn: { kafka: string; pg: string; pgDown: string };

before(async () => {
  s = await startTestServer();
  db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await db.connect();
  admin = testAdmin();
  producer = testProducer();
  await Promise.all([admin.connect(), producer.connect()]);
  const make = async (name: string, type: string, params: Record<string, unknown>) => {
    const r = await s.api('/api/connections', { body: { name, type, environment: 'test', params, secrets: {} } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };
  conn = {
    kafka: await make('Kafka_test', 'kafka', { brokers: BROKERS }),
    pg: await make('PG_test', 'postgres', { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' }),
    // nothing listens there: the database is down
    pgDown: await make('PG_down', 'postgres', { host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', timeoutMs: 1000 }),
  };
});
after(async () => {
  await s.destroy();
  for (const t of tables) await db.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await Promise.all([admin.disconnect(), producer.disconnect(), db.end()]);
});

async function setup(kinParams: Record<string, unknown>, pgConnection: string) {
  const topic = uniqueName('stuck');
  const dlq = `${topic}.dlq`;
  topics.push(topic, dlq);
  await createTopic(admin, topic, 1);
  await createTopic(admin, dlq, 1);
  const table = `kstuck${uniqueName('').replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
  tables.push(table);
  await db.query(`CREATE TABLE ${table} (id integer PRIMARY KEY)`);
  const groupId = uniqueName('g');
  const created = await s.api('/api/flows', {
    body: {
      name: `stuck ${topic}`,
      nodes: [
        { id: 'kin', type: 'kafka-in', params: { connection: conn.kafka, topics: [topic], groupId, fromBeginning: true, deadLetterTopic: dlq, retryBackoffMs: 50, retryBackoffMaxMs: 200, ...kinParams } },
        { id: 'write', type: 'postgres', params: { connection: pgConnection, action: 'insert', table } },
      ],
      edges: [{ source: 'kin', target: 'write' }],
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const flowId = created.body.id as string;
  assert.equal((await s.api(`/api/flows/${flowId}/start`, { method: 'POST' })).status, 200);
  const offset = () => committed(admin, groupId, topic).then((c) => Math.max(0, c.get(0) ?? 0)); // -1: nothing committed yet
  const status = async () => ((await s.api(`/api/flows/${flowId}`)).body.nodeStatus?.['kin'] ?? {}) as { text?: string; problems?: { kind: string; offset: number }[] };
  const rows = async () => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return { topic, dlq, flowId, offset, status, rows };
}


test('a partition stopped at a value that is not JSON is released by stuck/dead-letter and stuck/skip', { timeout: 90_000 }, async () => {
  const f = await setup({ onParseError: 'stop' }, conn.pg);
  const stuck = (action: string, body?: unknown) => s.api(`/api/flows/${f.flowId}/nodes/kin/stuck/${action}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
  assert.equal((await stuck('skip')).status, 404, 'nothing held yet');
  await producer.send({ topic: f.topic, messages: [{ value: '{"id":1}' }, { value: 'not json', key: 'bad1' }, { value: '{"id":3}' }] });
  const held = await waitFor(f.status, (st) => st.problems?.[0]?.kind === 'stopped', 20_000, 'the partition held');
  assert.equal(held.problems![0]!.offset, 1);
  assert.match(held.text!, /offset 1 stopped: value .* is not JSON/);
  assert.equal(await f.offset(), 1);
  assert.equal(await f.rows(), 1);

  // a bad body and an unknown action are refused, naming the field or the actions
  assert.equal((await stuck('dead-letter', { partition: -1 })).status, 400);
  const unknown = await stuck('drop');
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.error, /stuck\/skip, stuck\/dead-letter, stuck\/replay/);

  const dl = await stuck('dead-letter');
  assert.equal(dl.status, 200, JSON.stringify(dl.body));
  assert.deepEqual({ offset: dl.body.offset, next: dl.body.next }, { offset: 1, next: 2 });
  await waitFor(f.offset, (o) => o === 3, 20_000, 'committed past the record and the next one');
  assert.equal(await f.rows(), 2);
  const dead = await readAll(f.dlq, 1);
  assert.equal(dead.length, 1);
  assert.equal(dead[0]!.value?.toString(), 'not json');
  assert.equal(dead[0]!.headers?.[DLQ_HEADER.reason]?.toString(), 'OPERATOR');

  // once more, skipped this time: nothing goes to the dead-letter topic
  await producer.send({ topic: f.topic, messages: [{ value: 'still not json' }, { value: '{"id":5}' }] });
  await waitFor(f.status, (st) => st.problems?.[0]?.offset === 3, 20_000, 'held again');
  assert.equal((await stuck('skip', { topic: f.topic, partition: 0 })).status, 200);
  await waitFor(f.offset, (o) => o === 5, 20_000, 'committed past the skipped record');
  assert.equal(await f.rows(), 3);
  assert.equal((await readAll(f.dlq, 2)).length, 1);
  assert.match((await f.status()).text!, /1 record skipped/);
});

test('a database that is down is waited for, never dead-lettered: attempts are not counted', { timeout: 60_000 }, async () => {
  const f = await setup({ maxAttempts: 2, onParseError: 'deadLetter' }, conn.pgDown);
  await producer.send({ topic: f.topic, messages: [{ value: '{"id":1}' }] });
  const waiting = await waitFor(f.status, (st) => st.problems?.[0]?.kind === 'waiting', 20_000, 'waiting for the database');
  assert.match(waiting.text!, /offset 0 waiting .*ECONNREFUSED|offset 0 waiting/);
  // far more than maxAttempts redeliveries go by (backoff 50…200 ms)
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(await f.offset(), 0, 'not committed');
  assert.equal((await f.status()).problems?.[0]?.kind, 'waiting');
  assert.equal((await readAll(f.dlq, 1)).length, 0, 'nothing dead-lettered');
  // the operator may still replay it now (it fails again, and waits again)
  const replay = await s.api(`/api/flows/${f.flowId}/nodes/kin/stuck/replay`, { method: 'POST' });
  assert.equal(replay.status, 200, JSON.stringify(replay.body));
  assert.equal(replay.body.next, 0);
});
