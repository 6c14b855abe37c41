// kafka-out against the real broker: produce through the engine, read back with kafka-in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Admin } from 'kafkajs';
import { testEngine, directConnections } from '../../../server/engine/engine.test-support.ts';
import { kafkaDriver } from '../driver.ts';
import { injectSpec } from '../../../nodes/inject/spec.ts';
import { injectRuntime } from '../../../nodes/inject/runtime.ts';
import { kafkaInSpec } from '../kafka-in/spec.ts';
import { kafkaInRuntime } from '../kafka-in/runtime.ts';
import { kafkaOutSpec } from './spec.ts';
import { kafkaOutRuntime } from './runtime.ts';
import { headerValues, keyBytes, valueBytes } from '../encode.ts';
import { closedPort } from '../../http/http.test-support.ts';
import { createTopic, flow, kafkaProfile, Probe, probeSpec, testAdmin, uniqueName, waitFor } from '../kafka.test-support.ts';

let admin: Admin;
const topics: string[] = [];
before(async () => {
  admin = testAdmin();
  await admin.connect();
});
after(async () => {
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

function setup(profileParams: Record<string, unknown> = {}) {
  const probe = new Probe();
  const connections = directConnections([kafkaDriver], [kafkaProfile('k', profileParams)]);
  const { engine, store } = testEngine(
    [injectSpec, kafkaOutSpec, kafkaInSpec, probeSpec],
    [injectRuntime, kafkaOutRuntime, kafkaInRuntime, probe.runtime()],
    { connections },
  );
  const close = async () => {
    await engine.shutdown(1000);
    await connections.closeAll();
  };
  return { engine, store, probe, close };
}

test('kafka-out writes key, value and headers that kafka-in reads back, and adds kafka:{topic,partition,offset}', async () => {
  const topic = uniqueName('out');
  topics.push(topic);
  await createTopic(admin, topic, 3);
  const { engine, store, probe, close } = setup();
  try {
    await engine.start('producer', 1, flow(
      [
        { id: 'in1', type: 'inject', params: {} },
        {
          id: 'out', type: 'kafka-out',
          params: {
            connection: 'k', topic: '${payload.topic}', key: '${payload.id}', value: '${payload.body}',
            headers: { 'trace-id': 't-${payload.id}', n: '${payload.n}', skip: null }, partition: '${payload.partition}',
          },
        },
      ],
      [['in1', 'out']],
    ));
    await engine.start('consumer', 1, flow(
      [
        { id: 'kin', type: 'kafka-in', params: { connection: 'k', topics: [topic], groupId: uniqueName('g'), fromBeginning: true } },
        { id: 'p', type: 'probe' },
      ],
      [['kin', 'p']],
    ));
    const sends = [
      { topic, id: 'a1', n: 1, partition: 2, body: { hello: 'world', list: [1, 2] } },
      { topic, id: 'a2', n: 2, partition: 2, body: [true, null] },
      { topic, id: 'a3', n: 3, partition: 0, body: 42 },
    ];
    const outputs = [];
    for (const payload of sends) {
      const fired = engine.trigger('producer', 'in1', payload, true);
      const outcome = await fired.done;
      assert.equal(outcome.status, 'succeeded', outcome.error);
      const step = store.runs.get(fired.runId)!.steps.find((s) => s.nodeId === 'out')!;
      outputs.push((step.output as { kafka: unknown }).kafka);
    }
    assert.deepEqual(outputs, [
      { topic, partition: 2, offset: 0 },
      { topic, partition: 2, offset: 1 },
      { topic, partition: 0, offset: 0 },
    ]);
    await waitFor('3 records consumed', () => probe.received.length >= 3 || undefined);
    const byKey = new Map(probe.received.map((m) => [m['key'], m]));
    assert.deepEqual(byKey.get('a1')!.payload, { hello: 'world', list: [1, 2] });
    assert.deepEqual(byKey.get('a2')!.payload, [true, null]);
    assert.equal(byKey.get('a3')!.payload, 42);
    assert.deepEqual(byKey.get('a1')!.headers, { 'trace-id': 't-a1', n: '1' });
    assert.equal(byKey.get('a1')!['partition'], 2);
    assert.equal(byKey.get('a1')!['topic'], topic);
    assert.match(String(byKey.get('a1')!['timestamp']), /^\d{4}-\d\d-\d\dT/);
  } finally {
    await close();
  }
});

test('encoding: strings as they are, bytes as bytes, objects as JSON, null as a tombstone', () => {
  assert.equal(valueBytes('x y'), 'x y');
  assert.equal(valueBytes({ a: 1 }), '{"a":1}');
  assert.equal(valueBytes(7), '7');
  assert.equal(valueBytes(null), null);
  assert.equal(valueBytes(undefined), null);
  const bytes = valueBytes(new Uint8Array([0, 255, 7]));
  assert.ok(Buffer.isBuffer(bytes));
  assert.deepEqual([...(bytes as Buffer)], [0, 255, 7]);
  assert.equal(keyBytes(''), null);
  assert.equal(keyBytes(12), '12');
  assert.deepEqual(headerValues({ a: 'x', b: 2, c: null, d: ['p', 'q'], e: { z: 1 } }), { a: 'x', b: '2', d: ['p', 'q'], e: '{"z":1}' });
  assert.throws(() => headerValues('nope'), /headers must be an object/);
});

test('a tombstone, bytes and a text value read back in text and base64 formats', async () => {
  const topic = uniqueName('out-fmt');
  topics.push(topic);
  await createTopic(admin, topic, 1);
  const { engine, probe, close } = setup();
  try {
    await engine.start('p', 1, flow(
      [
        { id: 'in1', type: 'inject', params: {} },
        { id: 'out', type: 'kafka-out', params: { connection: 'k', topic, key: 'k1' } },
      ],
      [['in1', 'out']],
    ));
    for (const payload of ['héllo', null, { x: 1 }]) assert.equal((await engine.trigger('p', 'in1', payload, true).done).status, 'succeeded');
    await engine.start('c', 1, flow(
      [
        { id: 'text', type: 'kafka-in', params: { connection: 'k', topics: [topic], groupId: uniqueName('g'), fromBeginning: true, format: 'text' } },
        { id: 'b64', type: 'kafka-in', params: { connection: 'k', topics: [topic], groupId: uniqueName('g'), fromBeginning: true, format: 'base64' } },
        { id: 'p', type: 'probe' },
      ],
      [['text', 'p'], ['b64', 'p']],
    ));
    await waitFor('6 records', () => probe.received.length >= 6 || undefined);
    const got = probe.received.map((m) => JSON.stringify(m.payload)).sort();
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    // the tombstone is a null payload in both formats
    const want = ['héllo', null, '{"x":1}', b64('héllo'), null, b64('{"x":1}')].map((v) => JSON.stringify(v)).sort();
    assert.deepEqual(got, want);
  } finally {
    await close();
  }
});

test('a refused broker port fails the kafka-out step with the connection error, within the profile timeout', async () => {
  const { engine, store, close } = setup({ brokers: ['127.0.0.1:1'], timeoutMs: 500 });
  try {
    await engine.start('dead', 1, flow(
      [
        { id: 'in1', type: 'inject', params: { payload: { a: 1 } } },
        { id: 'out', type: 'kafka-out', params: { connection: 'k', topic: 'never' } },
      ],
      [['in1', 'out']],
    ));
    const started = Date.now();
    const fired = engine.trigger('dead', 'in1', undefined, false);
    const outcome = await fired.done;
    const took = Date.now() - started;
    assert.equal(outcome.status, 'failed');
    const step = store.runs.get(fired.runId)!.steps.find((s) => s.nodeId === 'out')!;
    assert.equal(step.status, 'failed');
    assert.match(step.error!, /ECONNREFUSED 127\.0\.0\.1:1/);
    assert.ok(took < 5000, `failed after ${took} ms`);
  } finally {
    await close();
  }
});

/** inject → kafka-out once on the profile `k`; the run's outcome, the out step and how long it took */
async function sendOnce(profileParams: Record<string, unknown>, topic: string) {
  const { engine, store, close } = setup(profileParams);
  try {
    await engine.start('once', 1, flow(
      [
        { id: 'in1', type: 'inject', params: { payload: { a: 1 } } },
        { id: 'out', type: 'kafka-out', params: { connection: 'k', topic } },
      ],
      [['in1', 'out']],
    ));
    const started = Date.now();
    const fired = engine.trigger('once', 'in1', undefined, false);
    const outcome = await fired.done;
    const took = Date.now() - started;
    return { outcome, took, step: store.runs.get(fired.runId)!.steps.find((s) => s.nodeId === 'out')! };
  } finally {
    await close();
  }
}

test('a broker that accepts connections and never answers fails the step within the profile timeout (3 s), not kafkajs\'s 30 s', async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  try {
    const { outcome, took, step } = await sendOnce({ brokers: [`127.0.0.1:${port}`], timeoutMs: 3000 }, 'never');
    assert.equal(outcome.status, 'failed');
    assert.equal(step.status, 'failed');
    assert.match(step.error!, new RegExp(`^kafka: no answer from 127\\.0\\.0\\.1:${port} within 3000 ms`));
    assert.ok(took >= 2900 && took < 4000, `failed after ${took} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('a closed broker port with a 3 s timeout fails the step within 4 s', async () => {
  const port = await closedPort();
  const { outcome, took, step } = await sendOnce({ brokers: [`127.0.0.1:${port}`], timeoutMs: 3000 }, 'never');
  assert.equal(outcome.status, 'failed');
  assert.match(step.error!, new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}|no answer from 127\\.0\\.0\\.1:${port}`));
  assert.ok(took < 4000, `failed after ${took} ms`);
});

test('with the same 3 s timeout, sends to the live broker still succeed', async () => {
  const topic = uniqueName('out-t');
  topics.push(topic);
  await createTopic(admin, topic, 1);
  const { outcome, step } = await sendOnce({ timeoutMs: 3000 }, topic);
  assert.equal(outcome.status, 'succeeded', outcome.error);
  assert.deepEqual((step.output as { kafka: unknown }).kafka, { topic, partition: 0, offset: 0 });
});
