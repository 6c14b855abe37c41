/**
 * Issue 8 finding 7 (the database half): with kafka-to-db's defaults a record the database
 * rejects was retried forever and blocked its partition. LIVE on the repo's Kafka and
 * PostgreSQL through the template's defaults: rejected records go to the dead-letter table
 * with their error after bounded attempts, and the records after them arrive.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';

const BROKERS = (process.env['TRIBUTARY_KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const TABLE = `tpl_kafka_dl_${suffix}`;
const DLQ = `tpl_kafka_dlq_${suffix}`;
const TOPIC = `tpl-kafka-dl-${suffix}`;

let s: TestServer;
let db: pg.Pool;
const kafka = new Kafka({ clientId: 'tpl-dl-test', brokers: BROKERS, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const producer = kafka.producer();

before(async () => {
  s = await startTestServer();
  db = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
  await db.query(`CREATE TABLE ${TABLE} (id INT PRIMARY KEY, qty INT NOT NULL)`);
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
});

after(async () => {
  for (const t of [TABLE, DLQ]) await db.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  await db.end();
  await admin.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
  await Promise.all([admin.disconnect(), producer.disconnect()]);
  await s.destroy();
});

test('LIVE kafka-to-db defaults: rejected records are dead-lettered with their error; the partition goes on', async () => {
  const make = async (name: string, type: string, params: Record<string, unknown>): Promise<string> => {
    const r = await s.api('/api/connections', { body: { name, type, environment: 'test', params, secrets: {} } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };
  const created = await s.api('/api/templates/kafka-to-db/instantiate', {
    body: {
      name: 'orders stream',
      params: {
        kafka: await make('Kafka_dl', 'kafka', { brokers: BROKERS }),
        target: await make('PG_dl', 'postgres', { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' }),
        topic: TOPIC,
        groupId: `g-${suffix}`,
        targetTable: TABLE,
        mapping: { id: 'id', qty: 'qty' },
        fromBeginning: true,
        writeMode: 'insert',
        deadLetterTable: DLQ, // on by default as tributary_dead_letters; this test's own name
      },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const flowId = created.body.id as string;
  const values = [{ id: 1, qty: 1 }, { id: 2, qty: 'lots' }, { id: 1, qty: 9 }, { id: 3, qty: 3 }, { id: 4, qty: 4 }];
  await producer.send({ topic: TOPIC, messages: values.map((v) => ({ value: JSON.stringify(v) })) });
  const started = await s.api(`/api/flows/${flowId}/start`, { method: 'POST' });
  assert.equal(started.body.state, 'running', JSON.stringify(started.body));
  try {
    const ids = await waitFor(
      async () => (await db.query(`SELECT id FROM ${TABLE} ORDER BY id`)).rows.map((r: { id: number }) => r.id),
      (r) => r.length >= 3,
      30_000,
      'the records after the rejected ones',
    );
    assert.deepEqual(ids, [1, 3, 4]);
    const dead = (await db.query(`SELECT attempts, error_code, error, record, node_id FROM ${DLQ} ORDER BY id`)).rows;
    assert.deepEqual(
      dead.map((d: { attempts: number; error_code: string; record: string }) => [d.attempts, d.error_code, JSON.parse(d.record)]),
      [
        [3, '22P02', { id: 2, qty: 'lots' }],
        [3, '23505', { id: 1, qty: 9 }],
      ],
    );
    assert.match(dead[0].error, /^payload: invalid input syntax for type integer: "lots"/);
    assert.match(dead[1].error, /^payload: duplicate key value violates unique constraint/);
    const failed = (await s.api(`/api/runs?flowId=${flowId}&status=failed&limit=100`)).body as unknown[];
    assert.equal(failed.length, 0, 'no run failed: the bad records were dead-lettered');
  } finally {
    await s.api(`/api/flows/${flowId}/stop`, { method: 'POST' });
  }
});
