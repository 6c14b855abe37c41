// The kafka driver against the real broker (TRIBUTARY_KAFKA_BROKERS, default 127.0.0.1:19092).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import type { Logger } from '../../core/logger.ts';
import { kafkaConfig, kafkaDriver, retryWithin } from './driver.ts';
import { kafkaProfile, testAdmin, uniqueName } from './kafka.test-support.ts';

const profile = (params: Record<string, unknown>, secrets: Record<string, string> = {}): ConnectionProfileResolved =>
  kafkaProfile('k', params, secrets);

async function testError(p: ConnectionProfileResolved, timeoutMs = 2000): Promise<{ message: string; ms: number }> {
  const started = Date.now();
  try {
    await kafkaDriver.test(p, timeoutMs);
  } catch (err) {
    return { message: (err as Error).message, ms: Date.now() - started };
  }
  throw new Error('test() should have failed');
}

test('test() passes against the running broker', async () => {
  await kafkaDriver.test(profile({}), 5000);
});

test('several brokers: a dead one in the list does not stop the client', async () => {
  const live = (process.env['TRIBUTARY_KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',')[0]!;
  await kafkaDriver.test(profile({ brokers: ['127.0.0.1:1', live], timeoutMs: 8000 }), 8000);
});

test('test() tells a refused port from an unknown host, quickly', async () => {
  const refused = await testError(profile({ brokers: ['127.0.0.1:1'], timeoutMs: 1000 }));
  assert.match(refused.message, /ECONNREFUSED 127\.0\.0\.1:1/);
  assert.ok(refused.ms < 3000, `took ${refused.ms} ms`);
  const unknown = await testError(profile({ brokers: ['no-such-host.invalid:9092'], timeoutMs: 1000 }));
  assert.match(unknown.message, /ENOTFOUND|EAI_AGAIN/);
  assert.match(unknown.message, /no-such-host\.invalid/);
});

/** opens a client of the profile and produces one record through it */
async function produces(p: ConnectionProfileResolved, label: string): Promise<void> {
  const client = await kafkaDriver.open(p);
  try {
    const producer = await client.producer();
    const sent = await producer.send({ topic: uniqueName(label), messages: [{ value: `over ${label}` }] });
    assert.equal(sent[0]!.errorCode, 0);
  } finally {
    await kafkaDriver.close(client);
  }
}

const [brokerHost, brokerPort] = (process.env['TRIBUTARY_KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',')[0]!.split(':') as [string, string];

/** another listener of the test broker (scripts/kafka/kafka.sh): its env override, or the plaintext port + offset */
const listener = (envName: string, offset: number): string => `${brokerHost}:${process.env[envName] ?? Number(brokerPort) + offset}`;

/** a file of the throwaway CA the test broker made at start (ca.pem, client.pem, client.key) */
const tlsFile = (file: string): string =>
  readFileSync(join(process.env['TRIBUTARY_KAFKA_HOME'] ?? join(homedir(), '.cache', 'tributary-kafka'), `run-${brokerPort}`, 'tls', file), 'utf8');

/** the broker's SASL listener: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 (user tributary / tributary-pass) */
const saslBroker = (): string => listener('TRIBUTARY_KAFKA_SASL_PORT', 2);

test('SASL/PLAIN: the right password connects and produces; a wrong one is refused as an authentication error', async () => {
  const good = profile({ brokers: [saslBroker()], sasl: { mechanism: 'plain', username: 'tributary' }, timeoutMs: 5000 }, { 'sasl.password': 'tributary-pass' });
  await kafkaDriver.test(good, 5000);
  await produces(good, 'sasl');
  const bad = await testError(profile({ brokers: [saslBroker()], sasl: { mechanism: 'plain', username: 'tributary' }, timeoutMs: 3000 }, { 'sasl.password': 'wrong' }), 3000);
  assert.match(bad.message, /authentication|SASL/i);
});

for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
  test(`SASL/${mechanism.toUpperCase()}: the right password connects and produces; a wrong password or an unknown user is refused`, async () => {
    const good = profile({ brokers: [saslBroker()], sasl: { mechanism, username: 'tributary' }, timeoutMs: 5000 }, { 'sasl.password': 'tributary-pass' });
    await kafkaDriver.test(good, 5000);
    await produces(good, mechanism);
    const bad = await testError(profile({ brokers: [saslBroker()], sasl: { mechanism, username: 'tributary' }, timeoutMs: 3000 }, { 'sasl.password': 'wrong' }), 3000);
    assert.match(bad.message, /authentication|SASL/i);
    const unknown = await testError(profile({ brokers: [saslBroker()], sasl: { mechanism, username: 'nobody' }, timeoutMs: 3000 }, { 'sasl.password': 'tributary-pass' }), 3000);
    assert.match(unknown.message, /authentication|SASL/i);
  });
}

test('SSL: the broker TLS listener is reached with its CA; without it the certificate is refused', async () => {
  const ca = tlsFile('ca.pem');
  const broker = listener('TRIBUTARY_KAFKA_SSL_PORT', 3);
  await kafkaDriver.test(profile({ brokers: [broker], ssl: { ca }, timeoutMs: 5000 }), 5000);
  const untrusted = await testError(profile({ brokers: [broker], ssl: true, timeoutMs: 3000 }), 3000);
  assert.match(untrusted.message, /certificate/i);
});

test('mutual TLS: a client certificate signed by the broker\'s CA is accepted; without one the broker refuses', async () => {
  const broker = listener('TRIBUTARY_KAFKA_MTLS_PORT', 4);
  const withCert = profile({ brokers: [broker], ssl: { ca: tlsFile('ca.pem'), cert: tlsFile('client.pem') }, timeoutMs: 5000 }, { 'ssl.key': tlsFile('client.key') });
  await kafkaDriver.test(withCert, 5000);
  await produces(withCert, 'mtls');
  const without = await testError(profile({ brokers: [broker], ssl: { ca: tlsFile('ca.pem') }, timeoutMs: 3000 }), 3000);
  // the broker answers the handshake with a TLS alert (42 bad_certificate: none was sent)
  assert.match(without.message, /alert bad certificate|certificate required/i);
});

test('test() reports SASL against a broker that does not speak it', async () => {
  const { message } = await testError(profile({ sasl: { mechanism: 'scram-sha-256', username: 'u' } }, { 'sasl.password': 'p' }), 3000);
  // the plaintext listener refuses the SASL handshake
  assert.match(message, /SASL state/);
});

test('test() gives up within the given time when the broker never answers', async () => {
  // a listener that accepts connections and never answers: a hung broker
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  try {
    const { message, ms } = await testError(profile({ brokers: [`127.0.0.1:${port}`], timeoutMs: 60_000 }), 700);
    assert.match(message, new RegExp(`no answer from 127\\.0\\.0\\.1:${port} within 700 ms`));
    assert.ok(ms >= 650 && ms < 2000, `took ${ms} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('open() shares one lazily connected producer; close() disconnects it', async () => {
  const client = await kafkaDriver.open(profile({}));
  const topic = uniqueName('drv');
  const admin = testAdmin();
  await admin.connect();
  try {
    const [a, b] = await Promise.all([client.producer(), client.producer()]);
    assert.equal(a, b);
    const [meta] = await a.send({ topic, messages: [{ value: 'x' }] });
    assert.equal(meta?.topicName, topic);
  } finally {
    await kafkaDriver.close(client);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

test('kafkajs errors go to the attached logger; a failed connect is tried again on the next use', async () => {
  const client = await kafkaDriver.open(profile({ brokers: ['127.0.0.1:1'], timeoutMs: 300 }));
  const lines: string[] = [];
  const sink: Logger = { debug() {}, info() {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const detach = client.attachLog(sink);
  await assert.rejects(client.producer(), /ECONNREFUSED/);
  assert.ok(lines.some((l) => /ECONNREFUSED/.test(l)), lines.join('\n'));
  detach();
  const before = lines.length;
  await assert.rejects(client.producer(), /ECONNREFUSED/);
  assert.equal(lines.length, before, 'nothing is logged once detached');
  await kafkaDriver.close(client);
});

test('kafkaConfig maps brokers, client id, ssl and sasl', () => {
  const c = kafkaConfig(profile({ brokers: ' a:1, b:2 ', clientId: 'me', ssl: true, sasl: { mechanism: 'plain', username: 'u' }, timeoutMs: 4000 }, { 'sasl.password': 's3' }));
  assert.deepEqual(c.brokers, ['a:1', 'b:2']);
  assert.equal(c.clientId, 'me');
  assert.equal(c.ssl, true);
  assert.deepEqual(c.sasl, { mechanism: 'plain', username: 'u', password: 's3' });
  assert.equal(c.connectionTimeout, 4000);
  const tls = kafkaConfig(profile({ ssl: { ca: 'CA', cert: 'CERT' } }, { 'ssl.key': 'KEY' }));
  assert.deepEqual(tls.ssl, { ca: 'CA', cert: 'CERT', key: 'KEY' });
  assert.throws(() => kafkaConfig(profile({ brokers: [] })), /brokers is empty/);
  assert.throws(() => kafkaConfig(profile({ sasl: { mechanism: 'gssapi' } })), /not supported/);
});

test('retries fit in the time budget', () => {
  for (const budget of [300, 1000, 10_000, 60_000]) {
    const r = retryWithin(budget);
    let spent = 0;
    for (let i = 0, w = r.initialRetryTime!; i < r.retries!; i++, w *= 2) spent += w;
    assert.ok(spent <= budget, `${budget}: ${JSON.stringify(r)}`);
  }
  assert.equal(retryWithin(10_000).retries, 5);
});
