// The mqtt driver against the real Mosquitto: connection tests, shared subscriptions, backoff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createLink, mqttDriver, mqttOptions, topicMatches, type InboundMessage, type LinkState } from './driver.ts';
import { BrokerProxy, discardSession, mqttProfile, plainClient, sleep, uniqueTopic, waitFor } from './mqtt.test-support.ts';
import { PASSWORD, startPrivateBroker, USER } from './private-broker.test-support.ts';

test('topicMatches follows the MQTT wildcard rules', () => {
  assert.ok(topicMatches('a/+/c', 'a/b/c'));
  assert.ok(!topicMatches('a/+/c', 'a/b/d/c'));
  assert.ok(topicMatches('a/#', 'a'));
  assert.ok(topicMatches('a/#', 'a/b/c'));
  assert.ok(!topicMatches('a/#', 'ab'));
  assert.ok(topicMatches('#', 'x/y'));
  assert.ok(!topicMatches('#', '$SYS/broker'));
  assert.ok(!topicMatches('+/broker', '$SYS/broker'));
  assert.ok(topicMatches('$SYS/#', '$SYS/broker'));
  assert.ok(topicMatches('$share/g/a/+', 'a/b'));
  assert.ok(!topicMatches('a/b', 'a/b/c'));
  assert.ok(topicMatches('a//c', 'a//c'));
});

test('options carry credentials, TLS material and the profile timeout', () => {
  const o = mqttOptions(mqttProfile('p', { clientId: 'me', username: 'u', ca: 'CA', cert: 'CERT', timeoutMs: 1234 }, { password: 'pw', key: 'KEY' }));
  assert.equal(o.clientId, 'me');
  assert.equal(o.username, 'u');
  assert.equal(o.password, 'pw');
  assert.equal(o.ca, 'CA');
  assert.equal(o.cert, 'CERT');
  assert.equal(o.key, 'KEY');
  assert.equal(o.connectTimeout, 1234);
  assert.equal(o.clean, true);
  assert.equal(o.protocolVersion, 5);
  const persistent = mqttOptions(mqttProfile('p'), { clean: false, clientId: 'x-f-n' });
  assert.equal(persistent.clean, false);
  assert.ok((persistent.properties?.sessionExpiryInterval ?? 0) > 0, 'an MQTT 5 session outlives the connection only with an expiry');
  assert.match(String(mqttOptions(mqttProfile('p')).clientId), /^tributary-[0-9a-f]{8}$/);
});

test('test() connects, and throws the real error for a refused port, an unknown host, a bad url', async () => {
  await mqttDriver.test(mqttProfile('ok'), 3000);
  await assert.rejects(mqttDriver.test(mqttProfile('refused', { url: 'mqtt://127.0.0.1:1' }), 3000), /ECONNREFUSED 127\.0\.0\.1:1/);
  await assert.rejects(mqttDriver.test(mqttProfile('unknown', { url: 'mqtt://no-such-host.invalid:1883' }), 3000), /ENOTFOUND|EAI_AGAIN/);
  await assert.rejects(mqttDriver.test(mqttProfile('scheme', { url: 'http://127.0.0.1:1883' }), 3000), /must start with mqtt:\/\//);
});

test('a link whose first connection failed never reconnects behind our back', async () => {
  const links = Array.from({ length: 10 }, () => createLink(mqttProfile('refused', { url: 'mqtt://127.0.0.1:1' })));
  let reconnects = 0;
  for (const link of links) link['client'].on('reconnect', () => reconnects++);
  const results = await Promise.allSettled(links.map((l) => l.connect()));
  assert.ok(results.every((r) => r.status === 'rejected'));
  assert.ok(links.every((l) => l.state.state === 'closed'));
  await sleep(1300); // longer than the first reconnect wait
  assert.equal(reconnects, 0);
});

test('test() gives up within the timeout on a server that never answers', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  const started = Date.now();
  try {
    await assert.rejects(mqttDriver.test(mqttProfile('silent', { url: `mqtt://127.0.0.1:${port}` }), 500), /connack timeout|no answer/);
    assert.ok(Date.now() - started < 2500, `gave up after ${Date.now() - started} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a shared link routes each message once to every handler whose filter matches', async () => {
  const base = uniqueTopic('route');
  const link = await mqttDriver.open(mqttProfile('shared'));
  const pub = await plainClient();
  try {
    const got = { plus: [] as InboundMessage[], hash: [] as InboundMessage[], plus2: [] as InboundMessage[] };
    const plus = (m: InboundMessage) => (got.plus.push(m), true);
    const plus2 = (m: InboundMessage) => (got.plus2.push(m), true);
    await link.subscribe(`${base}/+/t`, 1, plus);
    await link.subscribe(`${base}/#`, 0, (m) => (got.hash.push(m), true));
    await link.subscribe(`${base}/+/t`, 0, plus2);
    await pub.publishAsync(`${base}/a/t`, 'one', { qos: 1, properties: { userProperties: { source: 'test' } } });
    await pub.publishAsync(`${base}/a/x`, 'two', { qos: 1 });
    await waitFor('hash got 2', () => got.hash.length >= 2 || undefined);
    await waitFor('plus got 1', () => got.plus.length >= 1 || undefined);
    await sleep(100);
    assert.deepEqual(got.plus.map((m) => m.payload.toString()), ['one']);
    assert.deepEqual(got.plus2.map((m) => m.payload.toString()), ['one']);
    assert.deepEqual(got.hash.map((m) => m.payload.toString()), ['one', 'two']);
    assert.equal(got.plus[0]!.qos, 1);
    assert.equal(got.hash[0]!.qos, 0, 'delivered at the QoS of the subscription');
    assert.deepEqual(got.plus[0]!.userProperties, { source: 'test' });
    // the filter stays while one handler still listens
    await link.unsubscribe(`${base}/+/t`, plus);
    await pub.publishAsync(`${base}/b/t`, 'three', { qos: 1 });
    await waitFor('plus2 got 2', () => got.plus2.length >= 2 || undefined);
    assert.equal(got.plus.length, 1);
  } finally {
    await pub.endAsync();
    await mqttDriver.close(link);
  }
});

test('a subscription that fails is a clear error', async () => {
  const link = await mqttDriver.open(mqttProfile('bad-sub'));
  try {
    // an invalid filter never reaches the broker
    await assert.rejects(link.subscribe('a/#/b', 0, () => true), /subscription to "a\/#\/b" failed: Invalid topic/);
  } finally {
    await link.close();
  }
});

test('publish waits for the acknowledgement; after close it fails at once', async () => {
  const topic = uniqueTopic('pub');
  const link = await mqttDriver.open(mqttProfile('pub'));
  const sub = await plainClient();
  const got: string[] = [];
  sub.on('message', (_t, p) => got.push(p.toString()));
  await sub.subscribeAsync(topic, { qos: 2 });
  try {
    await link.publish(topic, 'q2', { qos: 2, retain: false });
    await link.publish(topic, Buffer.from([1, 2, 3]), { qos: 1, retain: false });
    await waitFor('2 messages', () => got.length >= 2 || undefined);
    // QoS 2 takes two more round trips to the subscriber, so the QoS 1 message may come first
    assert.deepEqual(got.sort(), ['\x01\x02\x03', 'q2']);
  } finally {
    await sub.endAsync();
    await link.close();
  }
  await assert.rejects(link.publish(topic, 'late', { qos: 0, retain: false }), /closed/);
});

test('the link reconnects with a growing backoff, says so, and subscribes again', async () => {
  const proxy = new BrokerProxy();
  const port = await proxy.listen();
  const topic = uniqueTopic('reconnect');
  const link = createLink(mqttProfile('proxied', { url: `mqtt://127.0.0.1:${port}` }), { backoff: { firstMs: 100, maxMs: 400, stableMs: 5000 } });
  const states: LinkState[] = [];
  link.onState((s) => states.push(s));
  const got: string[] = [];
  await link.subscribe(topic, 1, (m) => (got.push(m.payload.toString()), true));
  await link.connect();
  const pub = await plainClient();
  try {
    await pub.publishAsync(topic, 'before', { qos: 1 });
    await waitFor('before', () => got.includes('before') || undefined);
    // the broker goes away: connections cut, new ones refused
    const attemptAt = new Map<number, number>();
    link.onState((s) => {
      if (s.state === 'reconnecting' && !attemptAt.has(s.attempt)) attemptAt.set(s.attempt, Date.now());
    });
    await proxy.down();
    await waitFor('5 attempts', () => attemptAt.has(5) || undefined, 5000);
    const reconnecting = states.filter((s): s is Extract<LinkState, { state: 'reconnecting' }> => s.state === 'reconnecting');
    assert.ok(reconnecting.some((s) => /ECONNREFUSED/.test(s.error ?? '')), JSON.stringify(reconnecting));
    // waits of 100, 200, 400, 400 ms between attempts (first 100 ms, doubling, capped at 400)
    const gaps = [2, 3, 4, 5].map((n) => attemptAt.get(n)! - attemptAt.get(n - 1)!);
    assert.ok(gaps[0]! >= 180 && gaps[0]! < 350, `gaps ${gaps.join(', ')}`);
    assert.ok(gaps[1]! >= 380 && gaps[2]! >= 380 && gaps[2]! < 600, `gaps ${gaps.join(', ')}`);
    await proxy.listen(port);
    await waitFor('connected again', () => link.state.state === 'connected' || undefined, 3000);
    await pub.publishAsync(topic, 'after', { qos: 1 });
    await waitFor('after', () => got.includes('after') || undefined);
  } finally {
    await pub.endAsync();
    await link.close();
    await proxy.down();
  }
});

test('a broker that speaks only MQTT 3.1.1 is used with 3.1.1', async () => {
  // a stand-in for such a broker: refuses protocol level 5 as 3.1.1 brokers do, accepts 4
  const levels: number[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (connect) => {
      // fixed header (2 bytes), protocol name (2 + 4 bytes), then the level
      const level = connect[8] ?? 0;
      levels.push(level);
      if (level === 5) socket.end(Buffer.from([0x20, 0x02, 0x00, 0x01]));
      else socket.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const link = createLink(mqttProfile('v311', { url: `mqtt://127.0.0.1:${port}` }));
  try {
    await link.connect();
    assert.equal(link.protocolVersion, 4);
    assert.deepEqual(levels, [5, 4]);
  } finally {
    await link.close();
    server.close();
  }
});

test('a broker’s takeover notice ends the older link of a client id: it stops reconnecting', async () => {
  // a stand-in for a broker that says why it drops a client (Mosquitto 2.0.11 here just closes)
  let connects = 0;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => {
      connects++;
      socket.write(Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00])); // CONNACK, success, no properties
      setTimeout(() => socket.end(Buffer.from([0xe0, 0x01, 0x8e])), 50); // DISCONNECT, session taken over
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const link = createLink(mqttProfile('taken', { url: `mqtt://127.0.0.1:${port}`, clientId: 'twice' }), { backoff: { firstMs: 50, maxMs: 100, stableMs: 1000 } });
  try {
    await link.connect();
    await waitFor('failed', () => link.state.state === 'failed' || undefined);
    assert.match((link.state as { error: string }).error, /another client connected with the client id "twice" and took over the session/);
    await assert.rejects(link.publish('x', 'y', { qos: 0, retain: false }), /took over the session/);
    await sleep(300);
    assert.equal(connects, 1, 'no fight for the session');
  } finally {
    await link.close();
    server.close();
  }
});

test('a connection dropped at once does not reset the backoff (two links with one client id here)', async () => {
  const profile = mqttProfile('same-id', { clientId: `trib-same-${process.pid}` });
  const backoff = { firstMs: 50, maxMs: 10_000, stableMs: 5000 };
  const a = createLink(profile, { backoff });
  const b = createLink(profile, { backoff });
  const attempts: number[] = [];
  for (const link of [a, b]) link.onState((s) => void (s.state === 'reconnecting' && attempts.push(s.attempt)));
  try {
    await a.connect();
    await b.connect();
    // Mosquitto hands the session to the newer connection and drops the older, again and again
    await waitFor('attempt 4', () => attempts.some((n) => n >= 4) || undefined, 5000);
    await sleep(600);
    const late = attempts.length;
    await sleep(600);
    // waits of 50·2^n ms: by now far apart, so few new attempts
    assert.ok(attempts.length - late <= 2, `attempts ${attempts.join(',')}`);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a persistent session leaves a QoS 1 message no handler took unacknowledged, so it comes again', async () => {
  const topic = uniqueTopic('held');
  const clientId = `trib-held-${process.pid}`;
  const profile = mqttProfile('held');
  const pub = await plainClient();
  const first = createLink(profile, { clientId, clean: false, holdRefused: true });
  const offered: string[] = [];
  await first.subscribe(topic, 1, (m) => (offered.push(m.payload.toString()), false));
  await first.connect();
  const second = createLink(profile, { clientId, clean: false, holdRefused: true });
  try {
    await pub.publishAsync(topic, 'refused', { qos: 1 });
    await waitFor('offered', () => offered.length >= 1 || undefined);
    await first.close();
    const got: string[] = [];
    await second.subscribe(topic, 1, (m) => (got.push(m.payload.toString()), true));
    await second.connect();
    await waitFor('delivered again', () => got.length >= 1 || undefined);
    assert.deepEqual(got, ['refused']);
  } finally {
    await first.close();
    await second.close();
    await pub.endAsync();
    await discardSession(clientId);
  }
});

test('credentials and TLS, against a private Mosquitto that requires them', async (t) => {
  const broker = await startPrivateBroker();
  if (!broker) return t.skip('no mosquitto/openssl binary to run a private broker');
  try {
    const withPassword = (password: string) => mqttProfile('pw', { url: broker.passwordUrl, username: USER }, { password });
    await mqttDriver.test(withPassword(PASSWORD), 3000);
    // Mosquitto answers a wrong password with "Not authorized" (other brokers: "Bad User Name or Password")
    await assert.rejects(mqttDriver.test(withPassword('wrong'), 3000), { message: "Connection refused: Not authorized" });
    await assert.rejects(mqttDriver.test(mqttProfile('anon', { url: broker.passwordUrl }), 3000), /Connection refused: Not authorized/);

    const tls = (params: Record<string, unknown>, secrets: Record<string, string> = {}) => mqttProfile('tls', { url: broker.tlsUrl, ...params }, secrets);
    const { ca, cert, key, otherCa } = broker.pem;
    await mqttDriver.test(tls({ ca, cert }, { key }), 3000);
    // the server's certificate is checked against the given CA
    await assert.rejects(mqttDriver.test(tls({ ca: otherCa, cert }, { key }), 3000), /self-signed certificate in certificate chain/);
    // the server wants a client certificate
    await assert.rejects(mqttDriver.test(tls({ ca }), 3000), /alert certificate required/);

    // a shared link over TLS publishes and receives
    const link = await mqttDriver.open(tls({ ca, cert }, { key }));
    try {
      const got: string[] = [];
      const topic = uniqueTopic('tls');
      await link.subscribe(topic, 1, (m) => (got.push(m.payload.toString()), true));
      await link.publish(topic, 'over tls', { qos: 1, retain: false });
      await waitFor('the message', () => got.length >= 1 || undefined);
      assert.deepEqual(got, ['over tls']);
    } finally {
      await link.close();
    }
  } finally {
    await broker.stop();
  }
});
