/**
 * Finding 7 of issue 8: kafka-to-db's defaults held a partition for good at the first record
 * that is not JSON and retried a record the database refuses forever. Through the real server,
 * the template as a user makes it, the real Kafka and PostgreSQL: 200 records with a non-JSON
 * one and a refused one in the middle → 198 rows, 2 records in the dead-letter topic carrying
 * the original bytes and the error, the partition committed to its end; a restart goes on.
 * Then a partition held by "stop" is released by the operator API.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { KafkaMessage } from 'kafkajs';
import { startTestServer, waitFor, type TestServer } from '../../server/server.test-support.ts';
import { BROKERS, committed, createTopic, readTopic as readAll, testAdmin, testProducer, uniqueName } from '../../connectors/kafka/kafka.test-support.ts';
import { DLQ_HEADER } from '../../connectors/kafka/kafka-in/dead-letter.ts';

const COUNT = 200;
const NOT_JSON = 60;
const REFUSED = 130;


async function connections(s: TestServer): Promise<{ kafka: string; pg: string }> {
  const make = async (name: string, type: string, params: Record<string, unknown>) => {
    const r = await s.api('/api/connections', { body: { name, type, environment: 'test', params, secrets: {} } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };
  return {
    kafka: await make('Kafka_test', 'kafka', { brokers: BROKERS }),
    pg: await make('PG_test', 'postgres', { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' }),
  };
}

test('kafka-to-db: a non-JSON and a refused record go to the dead-letter topic, 198 of 200 rows arrive, the partition goes on, a restart does not stop', { timeout: 120_000 }, async () => {
  const suffix = uniqueName('').replace(/[^a-z0-9]/gi, '_').toLowerCase();
  const table = `kdlq${suffix}`;
  const topic = uniqueName('kdb');
  const dlq = `${topic}.dlq`;
  const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await db.connect();
  const admin = testAdmin();
  const producer = testProducer();
  await Promise.all([admin.connect(), producer.connect()]);
  const s = await startTestServer();
  try {
    // amount ≥ 0: the record with a negative amount is one the database refuses (a bad record, not an outage)
    await db.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, amount integer NOT NULL CHECK (amount >= 0), note text)`);
    await createTopic(admin, topic, 1);
    await producer.send({
      topic,
      messages: Array.from({ length: COUNT }, (_, i) => ({
        key: `k${i}`,
        headers: { origin: `test-${i}` },
        value: i === NOT_JSON ? '{"id": 60, oops' : JSON.stringify({ id: i, amount: i === REFUSED ? -1 : i * 10, note: `row ${i}` }),
      })),
    });
    const conn = await connections(s);
    const groupId = uniqueName('g');
    const created = await s.api('/api/templates/kafka-to-db/instantiate', {
      body: {
        name: 'orders from kafka',
        // the template's defaults: maxAttempts 5, dead letter on
        params: { kafka: conn.kafka, target: conn.pg, topic, groupId, targetTable: table, fromBeginning: true, writeMode: 'insert' },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const flowId = created.body.id as string;
    const kin = (created.body.nodes as { id: string; type: string; params: Record<string, unknown> }[]).find((n) => n.type === 'kafka-in')!;
    assert.equal(kin.params['deadLetterTopic'], dlq);
    assert.equal(kin.params['maxAttempts'], 5);
    assert.equal((await s.api(`/api/flows/${flowId}/start`, { method: 'POST' })).status, 200);

    await waitFor(async () => (await committed(admin, groupId, topic)).get(0), (c) => c === COUNT, 60_000, 'the partition committed to its end');
    const rows = await db.query<{ n: string; ids: number[] }>(`SELECT count(*) AS n, array_agg(id ORDER BY id) AS ids FROM ${table}`);
    assert.equal(Number(rows.rows[0]!.n), COUNT - 2, 'rows in the target');
    const want = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i !== NOT_JSON && i !== REFUSED);
    assert.deepEqual(rows.rows[0]!.ids, want);

    const dead = await readAll(dlq, 2);
    assert.equal(dead.length, 2, 'records in the dead-letter topic');
    const h = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    const byOffset = new Map(dead.map((m) => [Number(h(m, DLQ_HEADER.offset)), m]));
    const parse = byOffset.get(NOT_JSON)!;
    assert.equal(parse.value?.toString(), '{"id": 60, oops', 'the original bytes');
    assert.equal(parse.key?.toString(), `k${NOT_JSON}`);
    assert.equal(h(parse, 'origin'), `test-${NOT_JSON}`, 'the original headers');
    assert.equal(h(parse, DLQ_HEADER.reason), 'PARSE_ERROR');
    assert.match(h(parse, DLQ_HEADER.error)!, /is not JSON/);
    assert.equal(h(parse, DLQ_HEADER.node), kin.id);
    assert.equal(h(parse, DLQ_HEADER.topic), topic);
    const refused = byOffset.get(REFUSED)!;
    assert.equal(JSON.parse(refused.value!.toString()).amount, -1);
    assert.equal(h(refused, DLQ_HEADER.reason), 'RUN_FAILED');
    assert.equal(h(refused, DLQ_HEADER.attempts), '5');
    assert.match(h(refused, DLQ_HEADER.error)!, /check constraint/);
    assert.equal(h(refused, DLQ_HEADER.flow), flowId);

    const status = await waitFor(() => s.api(`/api/flows/${flowId}`), (r) => r.status === 200, 5000, 'flow');
    assert.equal(status.status, 200);

    // a restart goes on from the committed end: more records arrive, nothing stops, nothing is dead-lettered again
    assert.equal((await s.api(`/api/flows/${flowId}/stop`, { method: 'POST' })).status, 200);
    assert.equal((await s.api(`/api/flows/${flowId}/start`, { method: 'POST' })).status, 200);
    await producer.send({ topic, messages: [{ value: JSON.stringify({ id: 1000, amount: 1, note: 'after restart' }) }] });
    await waitFor(async () => (await committed(admin, groupId, topic)).get(0), (c) => c === COUNT + 1, 30_000, 'the record after the restart committed');
    assert.equal(Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n), COUNT - 1);
    assert.equal((await readAll(dlq, 3, 1500)).length, 2, 'nothing dead-lettered again');
  } finally {
    await s.destroy();
    await db.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic, dlq] }).catch(() => undefined);
    await Promise.all([admin.disconnect(), producer.disconnect(), db.end()]);
  }
});
