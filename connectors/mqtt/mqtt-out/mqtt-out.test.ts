// mqtt-out through the real engine and the real Mosquitto, checked with a plain mqtt.js subscriber.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaChecker } from '../../../core/schema-check.ts';
import { directConnections, testEngine } from '../../../server/engine/engine.test-support.ts';
import { mqttDriver } from '../driver.ts';
import { injectSpec } from '../../../nodes/inject/spec.ts';
import { injectRuntime } from '../../../nodes/inject/runtime.ts';
import { mqttInSpec } from '../mqtt-in/spec.ts';
import { mqttInRuntime } from '../mqtt-in/runtime.ts';
import { mqttOutSpec, validateMqttOut } from './spec.ts';
import { mqttOutRuntime } from './runtime.ts';
import { payloadBytes } from './encode.ts';
import { collect, flow, mqttProfile, plainClient, Probe, probeSpec, statusEvents, uniqueTopic, waitFor } from '../mqtt.test-support.ts';

function setup(profileParams: Record<string, unknown> = {}) {
  const probe = new Probe();
  const events = statusEvents();
  const connections = directConnections([mqttDriver], [mqttProfile('m', profileParams)]);
  const made = testEngine(
    [injectSpec, mqttOutSpec, mqttInSpec, probeSpec],
    [injectRuntime, mqttOutRuntime, mqttInRuntime, probe.runtime()],
    { connections, events },
  );
  const close = async () => {
    await made.engine.shutdown(1000);
    await connections.closeAll();
  };
  return { ...made, probe, events, close };
}

/** inject → mqtt-out → probe; the payload comes with the trigger */
const publisher = (params: Record<string, unknown>) =>
  flow(
    [
      { id: 'in', type: 'inject' },
      { id: 'out', type: 'mqtt-out', params: { connection: 'm', ...params } },
      { id: 'p', type: 'probe' },
    ],
    [['in', 'out'], ['out', 'p']],
  );

test('the spec refuses wildcards in a literal topic, not in one with expressions', () => {
  assert.deepEqual(validateMqttOut({ topic: 'devices/42/set' }), []);
  assert.deepEqual(validateMqttOut({ topic: 'devices/${payload.id}/set' }), []);
  assert.match(validateMqttOut({ topic: 'devices/+/set' })[0]!.message, /must not contain the wildcards/);
  assert.match(validateMqttOut({ topic: 'devices/#' })[0]!.message, /must not contain the wildcards/);
  const defaults = new SchemaChecker().withDefaults(mqttOutSpec.paramsSchema, { connection: 'm', topic: 't' });
  assert.deepEqual(defaults, { connection: 'm', topic: 't', payload: '${payload}', qos: 0, retain: false });
  assert.deepEqual(mqttOutSpec.connectionTypes, ['mqtt']);
});

test('payload bytes: objects as JSON, text as is, bytes as bytes, null as nothing', () => {
  assert.equal(payloadBytes({ a: [1, 'x'] }), '{"a":[1,"x"]}');
  assert.equal(payloadBytes('plain'), 'plain');
  assert.equal(payloadBytes(42), '42');
  assert.equal(payloadBytes(true), 'true');
  assert.equal(payloadBytes(null), '');
  assert.equal(payloadBytes(undefined), '');
  assert.deepEqual(payloadBytes(new Uint8Array([1, 2])), Buffer.from([1, 2]));
  assert.deepEqual(payloadBytes(JSON.parse(JSON.stringify(Buffer.from([7, 8])))), Buffer.from([7, 8]));
});

test('publishes objects as JSON, text as is and bytes as bytes, and passes the message on', async () => {
  const topic = uniqueTopic('out');
  const { engine, store, probe, events, close } = setup();
  const sub = await plainClient();
  try {
    const got = await collect(sub, topic);
    await engine.start('f', 1, publisher({ topic, qos: 1 }));
    assert.equal(events.last('out')?.text, 'connected');
    for (const payload of [{ temp: 21, tags: ['a'] }, 'just text', Buffer.from([0, 1, 254, 255])]) {
      const outcome = await engine.trigger('f', 'in', payload, true).done;
      assert.equal(outcome.status, 'succeeded', outcome.error);
    }
    await waitFor('3 messages', () => got.length >= 3 || undefined);
    assert.deepEqual(got.map((m) => m.payload), [Buffer.from('{"temp":21,"tags":["a"]}'), Buffer.from('just text'), Buffer.from([0, 1, 254, 255])]);
    assert.ok(got.every((m) => m.topic === topic && m.packet.qos === 1 && !m.packet.retain));
    // the input message goes on, with what was published
    assert.deepEqual(probe.received[0]!.msg, { payload: { temp: 21, tags: ['a'] }, mqtt: { topic, qos: 1, retain: false } });
    const run = [...store.runs.values()][0]!;
    assert.deepEqual(run.steps!.map((s) => s.nodeId), ['in', 'out', 'p']);
  } finally {
    await sub.endAsync();
    await close();
  }
});

test('topic and payload expressions are resolved per message; a resolved wildcard fails the step clearly', async () => {
  const base = uniqueTopic('expr');
  const { engine, store, close } = setup();
  const sub = await plainClient();
  try {
    const got = await collect(sub, `${base}/#`);
    await engine.start('f', 1, publisher({ topic: `${base}/\${payload.device}/state`, payload: { on: '${payload.on}', device: '${payload.device}' } }));
    assert.equal((await engine.trigger('f', 'in', { device: 'lamp', on: true }, true).done).status, 'succeeded');
    await waitFor('1 message', () => got.length >= 1 || undefined);
    assert.equal(got[0]!.topic, `${base}/lamp/state`);
    assert.deepEqual(JSON.parse(got[0]!.payload.toString()), { on: true, device: 'lamp' });
    const bad = await engine.trigger('f', 'in', { device: '+', on: false }, true).done;
    assert.equal(bad.status, 'failed');
    assert.match(bad.error!, /node out: topic ".+\/\+\/state" must not contain the wildcards \+ or #/);
    const step = store.runs.get(bad.runId)!.steps!.find((s) => s.nodeId === 'out')!;
    assert.equal(step.status, 'failed');
  } finally {
    await sub.endAsync();
    await close();
  }
});

test('QoS 0, 1 and 2 are published as asked', async () => {
  const topic = uniqueTopic('qos');
  const { engine, close } = setup();
  const sub = await plainClient();
  try {
    const got = await collect(sub, topic, 2);
    for (const qos of [0, 1, 2]) {
      await engine.start(`q${qos}`, 1, publisher({ topic, qos, payload: `qos ${qos}` }));
      assert.equal((await engine.trigger(`q${qos}`, 'in', null, true).done).status, 'succeeded');
    }
    await waitFor('3 messages', () => got.length >= 3 || undefined);
    assert.deepEqual(got.map((m) => `${m.payload.toString()}→${m.packet.qos}`).sort(), ['qos 0→0', 'qos 1→1', 'qos 2→2']);
  } finally {
    await sub.endAsync();
    await close();
  }
});

test('a retained message reaches a later subscriber; an empty retained message clears it', async () => {
  const topic = uniqueTopic('retain');
  const { engine, close } = setup();
  try {
    await engine.start('f', 1, publisher({ topic, qos: 1, retain: true }));
    assert.equal((await engine.trigger('f', 'in', { mode: 'auto' }, true).done).status, 'succeeded');
    const late = await plainClient();
    try {
      const got = await collect(late, topic, 1);
      await waitFor('the retained message', () => got.length >= 1 || undefined);
      assert.deepEqual(JSON.parse(got[0]!.payload.toString()), { mode: 'auto' });
      assert.equal(got[0]!.packet.retain, true);
    } finally {
      await late.endAsync();
    }
    assert.equal((await engine.trigger('f', 'in', null, true).done).status, 'succeeded');
    const later = await plainClient();
    try {
      const got = await collect(later, topic, 1);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(got.length, 0, 'nothing retained any more');
    } finally {
      await later.endAsync();
    }
  } finally {
    await close();
  }
});

test('mqtt-out in one flow feeds mqtt-in in another over the same shared client', async () => {
  const topic = uniqueTopic('loop');
  const { engine, probe, close } = setup();
  try {
    await engine.start('listen', 1, flow([{ id: 'sub', type: 'mqtt-in', params: { connection: 'm', topic, qos: 2 } }, { id: 'p', type: 'probe' }], [['sub', 'p']]));
    await engine.start('send', 1, flow([{ id: 'in', type: 'inject' }, { id: 'out', type: 'mqtt-out', params: { connection: 'm', topic, qos: 2 } }], [['in', 'out']]));
    assert.equal((await engine.trigger('send', 'in', { n: 1 }, true).done).status, 'succeeded');
    await waitFor('received', () => probe.of('listen').length >= 1 || undefined);
    assert.deepEqual(probe.of('listen')[0], { payload: { n: 1 }, topic, qos: 2, retain: false });
  } finally {
    await close();
  }
});

test('a broker that refuses the connection fails the flow start with the real error', async () => {
  const { engine, close } = setup({ url: 'mqtt://127.0.0.1:1' });
  try {
    await assert.rejects(engine.start('r', 1, publisher({ topic: 't' })), /node out \(mqtt-out\) could not start: .*ECONNREFUSED 127\.0\.0\.1:1/);
  } finally {
    await close().catch(() => undefined);
  }
});
