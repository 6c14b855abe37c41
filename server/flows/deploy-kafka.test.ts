/**
 * Saving a running flow whose kafka-in changes (real Kafka and PostgreSQL): the old consumer
 * stops taking records, its runs finish and commit, it leaves the group; the new one joins the
 * same group and goes on from the committed offsets. Every record lands exactly once, those
 * after the switch through v2's mapping.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Admin, Producer } from 'kafkajs';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';
import { BROKERS, createTopic, testAdmin, testProducer, uniqueName } from '../../connectors/kafka/kafka.test-support.ts';

const PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };
const TOTAL = 300;

describe('saving a running flow whose kafka-in changes', () => {
  let server: TestServer;
  let db: pg.Pool;
  let admin: Admin;
  let producer: Producer;
  const suffix = randomBytes(4).toString('hex');
  const target = `deploy_kafka_${suffix}`;
  const topic = uniqueName('deploy');
  const groupId = uniqueName('deploy-group');
  let flowId = '';
  let kafkaId = '';
  let pgId = '';

  const doc = (tag: string, retryBackoffMs: number) => ({
    name: `deploy kafka ${suffix}`,
    nodes: [
      { id: 'in', type: 'kafka-in', params: { connection: kafkaId, topics: [topic], groupId, fromBeginning: true, retryBackoffMs, concurrency: 2 }, position: { x: 0, y: 0 } },
      { id: 'write', type: 'postgres', params: { connection: pgId, action: 'insert', table: target, values: { n: '${payload.n}', tag } }, position: { x: 250, y: 0 } },
    ],
    edges: [{ source: 'in', target: 'write' }],
  });

  before(async () => {
    db = new pg.Pool(PG);
    await db.query(`CREATE TABLE ${target} (n integer NOT NULL, tag text NOT NULL)`);
    admin = testAdmin();
    await admin.connect();
    await createTopic(admin, topic, 2);
    producer = testProducer();
    await producer.connect();
    server = await startTestServer();
    const kafka = await server.api('/api/connections', { body: { name: `kafka ${suffix}`, type: 'kafka', params: { brokers: BROKERS, clientId: 'tributary-deploy-test' } } });
    assert.equal(kafka.status, 201, JSON.stringify(kafka.body));
    kafkaId = kafka.body.id;
    const pgc = await server.api('/api/connections', { body: { name: `pg ${suffix}`, type: 'postgres', params: { ...PG, timeoutMs: 5000 } } });
    assert.equal(pgc.status, 201, JSON.stringify(pgc.body));
    pgId = pgc.body.id;
    const created = await server.api('/api/flows', { body: doc('v1', 1000) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    flowId = created.body.id;
    assert.equal((await server.api(`/api/flows/${flowId}/start`, { method: 'POST' })).status, 200);
  });

  after(async () => {
    await server?.destroy();
    await producer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    await db?.query(`DROP TABLE IF EXISTS ${target}`);
    await db?.end();
  });

  it('every record once; after the switch through v2', async () => {
    let sent = 0;
    const producing = (async () => {
      while (sent < TOTAL) {
        sent++;
        await producer.send({ topic, messages: [{ key: String(sent % 7), value: JSON.stringify({ n: sent }) }] });
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS c FROM ${target}`)).rows[0].c as number, (c) => c >= TOTAL / 5, 30_000, 'the v1 consumer to be writing');
    const put = await server.api(`/api/flows/${flowId}`, { method: 'PUT', body: doc('v2', 500) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.runningVersion, 2, JSON.stringify(put.body.replacement));
    const switchedAt = sent;
    await producing;
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS c FROM ${target}`)).rows[0].c as number, (c) => c >= TOTAL, 60_000, `${TOTAL} rows`);
    await new Promise((r) => setTimeout(r, 1000)); // nothing comes twice, late
    const rows = (await db.query<{ n: number; tag: string }>(`SELECT n, tag FROM ${target} ORDER BY n`)).rows;
    assert.deepEqual(rows.map((r) => r.n), Array.from({ length: TOTAL }, (_, i) => i + 1), 'every record exactly once');
    const v1 = rows.filter((r) => r.tag === 'v1').length;
    const v2 = rows.filter((r) => r.tag === 'v2').length;
    assert.ok(v1 > 0 && v2 > 0, `both versions wrote (v1 ${v1}, v2 ${v2})`);
    assert.ok(rows.filter((r) => r.n > switchedAt).every((r) => r.tag === 'v2'), 'what was sent after the save ran v2');
    const runs = (await server.api(`/api/runs?flowId=${flowId}&limit=1000`)).body as { flowVersion: number; status: string }[];
    assert.equal(runs.length, TOTAL);
    assert.deepEqual([runs.filter((r) => r.flowVersion === 1).length, runs.filter((r) => r.flowVersion === 2).length], [v1, v2]);
    console.log(`# ${TOTAL} records: ${v1} on v1, ${v2} on v2, saved after record ${switchedAt}`);
  });
});
