// mqtt-in through the real engine and the real Mosquitto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../../core/flow-types.ts';
import { SchemaChecker } from '../../../core/schema-check.ts';
import { directConnections, testEngine } from '../../../server/engine/engine.test-support.ts';
import { mqttDriver } from '../driver.ts';
import { mqttInSpec, validateMqttIn } from './spec.ts';
import { mqttInRuntime } from './runtime.ts';
import {
  BrokerProxy, discardSession, flow, mqttProfile, plainClient, Probe, probeSpec, sleep, statusEvents, uniqueTopic, waitFor,
} from '../mqtt.test-support.ts';

function setup(profileParams: Record<string, unknown> = {}) {
  const probe = new Probe();
  const events = statusEvents();
  const connections = directConnections([mqttDriver], [mqttProfile('m', profileParams)]);
  const made = testEngine([mqttInSpec, probeSpec], [mqttInRuntime, probe.runtime()], { connections, events });
  /** `failedOpen`: the profile's client never opened (directConnections then rethrows its error) */
  const close = async (failedOpen = false) => {
    await made.engine.shutdown(1000);
    await connections.closeAll().catch((err: unknown) => {
      if (!failedOpen) throw err;
    });
  };
  return { ...made, probe, events, close };
}

const listen = (params: Record<string, unknown>) =>
  flow([{ id: 'in', type: 'mqtt-in', params: { connection: 'm', ...params } }, { id: 'p', type: 'probe' }], [['in', 'p']]);

const payloads = (msgs: Message[]) => msgs.map((m) => m.payload);

test('the spec checks topic filters and asks for QoS 1 or 2 with a persistent session', () => {
  const ok = (topic: string) => validateMqttIn({ connection: 'm', topic });
  assert.deepEqual(ok('sensors/+/temperature'), []);
  assert.deepEqual(ok('sensors/#'), []);
  assert.deepEqual(ok('#'), []);
  assert.deepEqual(ok('$share/workers/jobs/#'), []);
  assert.match(ok('sensors/#/x')[0]!.message, /"#" must be alone in the last level/);
  assert.match(ok('sensors/a#')[0]!.message, /"#" must be alone/);
  assert.match(ok('sensors/a+/x')[0]!.message, /"\+" must be alone in its level/);
  assert.match(ok('$share//x')[0]!.message, /shared subscription/);
  assert.deepEqual(validateMqttIn({ topic: 'a', persistentSession: true, qos: 0 }).map((i) => i.path), ['qos']);
  assert.deepEqual(validateMqttIn({ topic: 'a', persistentSession: true, qos: 1 }), []);
  const defaults = new SchemaChecker().withDefaults(mqttInSpec.paramsSchema, { connection: 'm', topic: 'a' });
  assert.deepEqual(defaults, { connection: 'm', topic: 'a', qos: 0, format: 'json', maxInFlight: 16, queueLimit: 100000, persistentSession: false });
  assert.deepEqual(mqttInSpec.connectionTypes, ['mqtt']);
  assert.equal(mqttInSpec.ui?.widgets?.['connection'], 'connection');
});

test('a wildcard subscription starts a run per matching message with its topic, payload, qos and headers', async () => {
  const base = uniqueTopic('wild');
  const { engine, store, probe, events, close } = setup();
  const pub = await plainClient();
  try {
    await engine.start('plus', 1, listen({ topic: `${base}/+/temp`, qos: 1 }));
    await engine.start('hash', 1, listen({ topic: `${base}/#` }));
    assert.match(events.last('in')?.text ?? '', /^connected/);
    await pub.publishAsync(`${base}/kitchen/temp`, JSON.stringify({ c: 21.5 }), { qos: 1, properties: { userProperties: { unit: 'C', tags: ['a', 'b'] } } });
    await pub.publishAsync(`${base}/kitchen/humidity`, '40', { qos: 1 });
    await pub.publishAsync(`${base}/cellar/temp`, '12', { qos: 0 });
    await pub.publishAsync(`${base}/cellar/deep/temp`, '8', { qos: 0 });
    await waitFor('4 messages in hash', () => probe.of('hash').length >= 4 || undefined);
    await waitFor('2 messages in plus', () => probe.of('plus').length >= 2 || undefined);
    await sleep(100);
    const plus = probe.of('plus');
    assert.deepEqual(plus.map((m) => m.topic).sort(), [`${base}/cellar/temp`, `${base}/kitchen/temp`]);
    const kitchen = plus.find((m) => m.topic === `${base}/kitchen/temp`)!;
    assert.deepEqual(kitchen, { payload: { c: 21.5 }, topic: `${base}/kitchen/temp`, qos: 1, retain: false, headers: { unit: 'C', tags: ['a', 'b'] } });
    assert.equal(plus.find((m) => m.topic === `${base}/cellar/temp`)!.payload, 12);
    assert.deepEqual(payloads(probe.of('hash')).sort(), [12, 40, 8, { c: 21.5 }].sort());
    assert.ok(probe.of('hash').every((m) => m.qos === 0));
    assert.deepEqual(probe.of('hash').filter((m) => 'headers' in m).map((m) => m.topic), [`${base}/kitchen/temp`]);
    // each message is a run of its own, started by the trigger
    const runs = [...store.runs.values()].filter((r) => r.flowId === 'plus');
    assert.equal(runs.length, 2);
    assert.ok(runs.every((r) => r.status === 'succeeded' && r.trigger.nodeId === 'in' && r.trigger.kind === 'event'));
  } finally {
    await pub.endAsync();
    await close();
  }
});

test('QoS: a message arrives at the lower of the publish and the node’s QoS, even when flows share the client', async () => {
  const topic = uniqueTopic('qos');
  const { engine, probe, close } = setup();
  const pub = await plainClient();
  try {
    await engine.start('q0', 1, listen({ topic, qos: 0, format: 'text' }));
    await engine.start('q1', 1, listen({ topic, qos: 1, format: 'text' }));
    await engine.start('q2', 1, listen({ topic, qos: 2, format: 'text' }));
    for (const qos of [0, 1, 2] as const) await pub.publishAsync(topic, `sent ${qos}`, { qos });
    await waitFor('3 messages each', () => ['q0', 'q1', 'q2'].every((f) => probe.of(f).length >= 3) || undefined);
    const seen = (f: string) => probe.of(f).map((m) => `${String(m.payload)}→${String(m.qos)}`).sort();
    assert.deepEqual(seen('q0'), ['sent 0→0', 'sent 1→0', 'sent 2→0']);
    assert.deepEqual(seen('q1'), ['sent 0→0', 'sent 1→1', 'sent 2→1']);
    assert.deepEqual(seen('q2'), ['sent 0→0', 'sent 1→1', 'sent 2→2']);
  } finally {
    await pub.endAsync();
    await close();
  }
});

test('a retained message is delivered to a flow started after it was published', async () => {
  const topic = uniqueTopic('retained');
  const pub = await plainClient();
  await pub.publishAsync(topic, JSON.stringify({ config: 1 }), { qos: 1, retain: true });
  const { engine, probe, close } = setup();
  try {
    await engine.start('late', 1, listen({ topic, qos: 1 }));
    await waitFor('the retained message', () => probe.of('late').length >= 1 || undefined);
    assert.deepEqual(probe.of('late')[0], { payload: { config: 1 }, topic, qos: 1, retain: true });
    // a second flow on the same filter (same shared client) gets it too
    await engine.start('later', 1, listen({ topic, qos: 1 }));
    await waitFor('retained for the second flow', () => probe.of('later').length >= 1 || undefined);
    assert.equal(probe.of('later')[0]!.retain, true);
    await pub.publishAsync(topic, '"live"', { qos: 1 });
    await waitFor('live message', () => probe.of('later').some((m) => m.retain === false) || undefined);
  } finally {
    await pub.publishAsync(topic, '', { qos: 1, retain: true }); // clears the retained message
    await pub.endAsync();
    await close();
  }
});

test('formats: json parses, text decodes UTF-8, base64 keeps the bytes', async () => {
  const topic = uniqueTopic('formats');
  const { engine, probe, close } = setup();
  const pub = await plainClient();
  try {
    await engine.start('json', 1, listen({ topic, qos: 1 }));
    await engine.start('text', 1, listen({ topic, qos: 1, format: 'text' }));
    await engine.start('b64', 1, listen({ topic, qos: 1, format: 'base64' }));
    await pub.publishAsync(topic, JSON.stringify({ name: 'Zoë', n: [1, 2] }), { qos: 1 });
    await pub.publishAsync(topic, Buffer.alloc(0), { qos: 1 });
    await waitFor('2 each', () => ['json', 'text', 'b64'].every((f) => probe.of(f).length >= 2) || undefined);
    assert.deepEqual(payloads(probe.of('json')), [{ name: 'Zoë', n: [1, 2] }, null]);
    assert.deepEqual(payloads(probe.of('text')), ['{"name":"Zoë","n":[1,2]}', '']);
    assert.deepEqual(payloads(probe.of('b64')), [Buffer.from('{"name":"Zoë","n":[1,2]}').toString('base64'), '']);
    const bytes = Buffer.from([0, 255, 1, 128]);
    await pub.publishAsync(topic, bytes, { qos: 1 });
    await waitFor('bytes', () => probe.of('b64').length >= 3 || undefined);
    assert.equal(probe.of('b64')[2]!.payload, bytes.toString('base64'));
  } finally {
    await pub.endAsync();
    await close();
  }
});

test('a payload that is not JSON gives a run with a clear error, and the next messages still work', async () => {
  const topic = uniqueTopic('badjson');
  const { engine, store, probe, events, close } = setup();
  const pub = await plainClient();
  try {
    await engine.start('j', 1, listen({ topic, qos: 1 }));
    await pub.publishAsync(topic, '{"temp": 21,', { qos: 1 });
    await pub.publishAsync(topic, '{"temp": 22}', { qos: 1 });
    await waitFor('2 runs ended', () => [...store.runs.values()].filter((r) => r.status !== 'running').length >= 2 || undefined);
    const runs = [...store.runs.values()];
    const bad = runs.find((r) => r.status === 'failed')!;
    assert.ok(bad, 'the run of the bad message failed');
    assert.match(bad.error!, /^node in: payload is not valid JSON: /);
    // its only step is the trigger's, holding what arrived and the error
    assert.equal(bad.steps!.length, 1);
    const trigger = bad.steps![0]!;
    assert.equal(trigger.status, 'failed');
    assert.match(trigger.error!, /^payload is not valid JSON: .+ \(topic ".+\/badjson", payload "\{\\"temp\\": 21,"\)$/);
    assert.deepEqual(trigger.output, { payload: '{"temp": 21,', topic, qos: 1, retain: false });
    // nothing of it was delivered; the next message was
    assert.deepEqual(payloads(probe.of('j')), [{ temp: 22 }]);
    assert.equal(runs.find((r) => r !== bad)!.status, 'succeeded');
    const status = events.last('in')!;
    assert.equal(status.state, 'warn');
    assert.match(status.text, /1 message not JSON, last: payload is not valid JSON/);
  } finally {
    await pub.endAsync();
    await close();
  }
});

test('a persistent session gets the messages published while the flow was stopped', async () => {
  const topic = uniqueTopic('persistent');
  const clientId = `trib-${process.pid}`;
  const { engine, probe, close } = setup({ clientId });
  const pub = await plainClient();
  const doc = listen({ topic, qos: 1, persistentSession: true });
  try {
    await engine.start('ps', 1, doc);
    await pub.publishAsync(topic, '"while running"', { qos: 1 });
    await waitFor('first message', () => probe.of('ps').length >= 1 || undefined);
    await engine.stop('ps');
    await pub.publishAsync(topic, '"while stopped 1"', { qos: 1 });
    await pub.publishAsync(topic, '"while stopped 2"', { qos: 2 });
    await sleep(100);
    assert.equal(probe.of('ps').length, 1, 'nothing arrives while stopped');
    await engine.start('ps', 2, doc);
    await waitFor('the messages kept by the broker', () => probe.of('ps').length >= 3 || undefined);
    assert.deepEqual(payloads(probe.of('ps')), ['while running', 'while stopped 1', 'while stopped 2']);
    // a session of a new topic drops the old subscription
    await engine.stop('ps');
    const other = `${topic}/other`;
    await engine.start('ps', 3, listen({ topic: other, qos: 1, persistentSession: true }));
    await engine.stop('ps');
    await pub.publishAsync(topic, '"old topic"', { qos: 1 });
    await pub.publishAsync(other, '"new topic"', { qos: 1 });
    await engine.start('ps', 4, listen({ topic: other, qos: 1, persistentSession: true }));
    await waitFor('new topic message', () => probe.of('ps').length >= 4 || undefined);
    await sleep(200);
    assert.deepEqual(payloads(probe.of('ps')).slice(3), ['new topic']);
  } finally {
    await pub.endAsync();
    await close();
    await discardSession(`${clientId}-ps-in`);
  }
});

test('without a persistent session, messages sent while stopped are not delivered', async () => {
  const topic = uniqueTopic('clean');
  const { engine, probe, close } = setup();
  const pub = await plainClient();
  const doc = listen({ topic, qos: 1 });
  try {
    await engine.start('c', 1, doc);
    await engine.stop('c');
    await pub.publishAsync(topic, '1', { qos: 1 });
    await engine.start('c', 2, doc);
    await pub.publishAsync(topic, '2', { qos: 1 });
    await waitFor('the live message', () => probe.of('c').length >= 1 || undefined);
    await sleep(100);
    assert.deepEqual(payloads(probe.of('c')), [2]);
  } finally {
    await pub.endAsync();
    await close();
  }
});

test('the node shows connected, then the error while the broker is away, and listens again when it is back', async () => {
  const proxy = new BrokerProxy();
  const port = await proxy.listen();
  const topic = uniqueTopic('status');
  const { engine, probe, events, close } = setup({ url: `mqtt://127.0.0.1:${port}` });
  const pub = await plainClient();
  try {
    await engine.start('s', 1, listen({ topic, qos: 1 }));
    assert.deepEqual(events.last('in'), {
      state: 'ok', text: `connected · ${topic}`, connection: 'connected', received: 0, queued: 0, inFlight: 0, failed: 0, dropped: 0,
    });
    await proxy.down();
    const away = await waitFor('an error status', () => {
      const s = events.last('in');
      return s?.state === 'error' ? s : undefined;
    });
    assert.match(away.text, /^disconnected: connect ECONNREFUSED 127\.0\.0\.1:\d+ · reconnecting \(attempt \d\)$/);
    await proxy.listen(port);
    await waitFor('connected again', () => events.last('in')?.state === 'ok' || undefined, 8000);
    await pub.publishAsync(topic, '"back"', { qos: 1 });
    await waitFor('a message after the reconnect', () => probe.of('s').length >= 1 || undefined);
    assert.deepEqual(payloads(probe.of('s')), ['back']);
  } finally {
    await pub.endAsync();
    await close();
    await proxy.down();
  }
});

test('a broker that refuses the connection fails the flow start with the real error', async () => {
  const { engine, close } = setup({ url: 'mqtt://127.0.0.1:1' });
  try {
    await assert.rejects(engine.start('r', 1, listen({ topic: 'x' })), /node in \(mqtt-in\) could not start: .*ECONNREFUSED 127\.0\.0\.1:1/);
    assert.equal(engine.isRunning('r'), false);
    await assert.rejects(engine.start('rp', 1, listen({ topic: 'x', qos: 1, persistentSession: true })), /ECONNREFUSED/);
  } finally {
    await close(true);
  }
});
