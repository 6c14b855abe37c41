// Broker triggers on a full disk: a message whose run cannot be recorded is not acknowledged
// (MQTT QoS 1 on a persistent session) or committed (Kafka), and once space returns the
// server takes it again by itself — nothing is lost, nothing is processed without a record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { waitFor, type TestServer } from './server.test-support.ts';
import { fullDiskServer, nodeStatus, recovered, runningFlow } from './full-disk.test-support.ts';
import { BROKER_URL, discardSession, plainClient, uniqueTopic } from '../connectors/mqtt/mqtt.test-support.ts';
import { BROKERS, committed, createTopic, testAdmin, testProducer, uniqueName } from '../connectors/kafka/kafka.test-support.ts';

/** the payloads of the flow's succeeded runs (their trigger step's output) */
async function payloads(srv: TestServer, flowId: string): Promise<unknown[]> {
  const runs = (await srv.api(`/api/runs?flowId=${flowId}&status=succeeded&limit=500`)).body as { id: string }[];
  const out: unknown[] = [];
  for (const r of runs) out.push((await srv.api(`/api/runs/${r.id}`)).body.steps[0].output.payload);
  return out;
}

async function connection(srv: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await srv.api('/api/connections', { body: { environment: 'test', ...body, name: `${body['type'] as string}-${process.pid}-${randomBytes(3).toString('hex')}` } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

test('mqtt-in (persistent session, QoS 1): messages whose runs cannot be recorded are not acknowledged, and arrive once space returns', async (t) => {
  const { srv, disk, logs } = await fullDiskServer(t);
  // under the max_page_count fallback a run's start fits a page already there, so the message is taken
  const strict = disk.mechanism === 'tmpfs';
  if (!strict) t.diagnostic('max_page_count fallback: a run start still fits; asserted only that every message is recorded once space returns');
  const topic = uniqueTopic('full');
  const clientId = `trib-full-${process.pid}-${randomBytes(3).toString('hex')}`;
  const conn = await connection(srv, { type: 'mqtt', params: { url: BROKER_URL, clientId, timeoutMs: 3000 } });
  const flowId = await runningFlow(srv, [
    { id: 'in', type: 'mqtt-in', params: { connection: conn, topic, qos: 1, persistentSession: true } },
    { id: 'out', type: 'log', params: {} },
  ], [{ source: 'in', target: 'out' }]);
  t.after(() => discardSession(`${clientId}-${flowId}-in`));
  const pub = await plainClient();
  t.after(() => pub.endAsync());
  await waitFor(() => nodeStatus(srv, flowId, 'in'), (s) => /^connected/.test(String(s?.['text'])), 5000, 'mqtt-in connected');
  await pub.publishAsync(topic, JSON.stringify('before'), { qos: 1 });
  await waitFor(() => payloads(srv, flowId), (p) => p.includes('before'), 5000, 'the first message recorded');

  srv.store.flush();
  disk.fill(srv.store.db);
  const sent = ['m0', 'm1', 'm2', 'm3', 'm4'];
  for (const m of sent) await pub.publishAsync(topic, JSON.stringify(m), { qos: 1 });
  if (strict) {
    const status = await waitFor(() => nodeStatus(srv, flowId, 'in'), (s) => s?.['storage'] === 'STORAGE_FULL', 8000, 'the storage condition on mqtt-in');
    assert.equal(status?.['state'], 'error');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await payloads(srv, flowId), ['before'], 'no run was recorded while the disk was full');
    assert.equal(logs.filter((l) => l.level === 'warn' && l['flowId'] === flowId && /could not be recorded/.test(l.msg)).length, 1, 'warned once, not per message');
  }

  disk.free(srv.store.db);
  await recovered(srv);
  // the broker held them (never acknowledged) and sends them again on the renewed connection
  if (!strict) await pub.publishAsync(topic, JSON.stringify('after'), { qos: 1 });
  const expected = strict ? sent : ['after'];
  const got = await waitFor(() => payloads(srv, flowId), (p) => expected.every((m) => p.includes(m)), 15_000, 'the held messages recorded after recovery');
  if (strict) assert.equal(got.filter((p) => sent.includes(p as string)).length, sent.length, `each once: ${JSON.stringify(got)}`);
  await waitFor(() => nodeStatus(srv, flowId, 'in'), (s) => s?.['storage'] === undefined, 5000, 'the condition gone from the node');
});

test('kafka-in: records whose runs cannot be recorded are not committed, and are processed once space returns', async (t) => {
  const { srv, disk } = await fullDiskServer(t);
  const strict = disk.mechanism === 'tmpfs';
  if (!strict) t.diagnostic('max_page_count fallback: a run may still be stored; asserted that nothing is committed ahead of its stored run');
  const admin = testAdmin();
  const producer = testProducer();
  await Promise.all([admin.connect(), producer.connect()]);
  const topic = uniqueName('full');
  const groupId = uniqueName('full-group');
  await createTopic(admin, topic);
  t.after(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });
  const produce = (values: string[]) => producer.send({ topic, messages: values.map((v) => ({ value: JSON.stringify(v) })) });
  const offset = async () => (await committed(admin, groupId, topic)).get(0) ?? -1;

  const conn = await connection(srv, { type: 'kafka', params: { brokers: BROKERS, clientId: 'tributary-test' } });
  const flowId = await runningFlow(srv, [
    { id: 'in', type: 'kafka-in', params: { connection: conn, topics: [topic], groupId, fromBeginning: true, retryBackoffMs: 200, retryBackoffMaxMs: 400, sessionTimeoutMs: 6000 } },
    { id: 'out', type: 'log', params: {} },
  ], [{ source: 'in', target: 'out' }]);
  await produce(['before']);
  await waitFor(offset, (o) => o === 1, 20_000, 'the first record committed');

  srv.store.flush();
  disk.fill(srv.store.db);
  await produce(['k0', 'k1', 'k2']);
  await new Promise((r) => setTimeout(r, 2000));
  // every committed record has its run stored
  const storedWhileFull = (await payloads(srv, flowId)).filter((p) => p !== 'before').length;
  assert.ok(await offset() <= 1 + storedWhileFull, 'nothing committed ahead of its stored run');
  if (strict) {
    assert.equal(await offset(), 1, 'nothing committed while its run cannot be recorded');
    assert.equal(storedWhileFull, 0);
    await waitFor(() => nodeStatus(srv, flowId, 'in'), (s) => s?.['storage'] === 'STORAGE_FULL', 10_000, 'the storage condition on kafka-in');
  }

  disk.free(srv.store.db);
  await recovered(srv);
  await waitFor(offset, (o) => o === 4, 20_000, 'the records committed after recovery');
  const got = await payloads(srv, flowId);
  for (const k of ['k0', 'k1', 'k2']) assert.ok(got.includes(k), `${k} recorded: ${JSON.stringify(got)}`);
});
