// Proves kafkajs 2.2.4 (unmaintained since 2023) works against the broker kafka.sh runs:
// admin topic creation, keyed produce with headers, group consume with manual commits,
// resume after restart from the committed offset, and lag via admin offsets.
// Needs the broker: `bash scripts/kafka/kafka.sh start` (broker from TRIBUTARY_KAFKA_BROKERS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import type { Admin, Consumer, KafkaMessage, Producer } from 'kafkajs';

const { Kafka, logLevel, Partitioners } = kafkajs;

const brokers = (process.env['TRIBUTARY_KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
const suffix = `${process.pid}-${Date.now()}`;
const topic = `tributary-kafkajs-compat-${suffix}`;
const groupId = `tributary-kafkajs-compat-group-${suffix}`;
const MESSAGE_COUNT = 20;
// Per partition, the first consumer pretends it processed this many messages and commits that.
const COMMITTED_PER_PARTITION = 2;
// Short fetch long-poll: consumer.disconnect() waits for the pending fetch (5 s by default).
const consumerConfig = { groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 500 };

interface Received {
  partition: number;
  offset: number;
  key: string;
  value: string;
  trace: string;
  seq: string;
}

const kafka = new Kafka({ clientId: 'tributary-kafkajs-compat', brokers, logLevel: logLevel.ERROR });

function headerText(message: KafkaMessage, name: string): string {
  const raw = message.headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (first === undefined) return '';
  return typeof first === 'string' ? first : first.toString('utf8');
}

function toReceived(partition: number, message: KafkaMessage): Received {
  return {
    partition,
    offset: Number(message.offset),
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    trace: headerText(message, 'trace-id'),
    seq: headerText(message, 'seq'),
  };
}

/** Runs a consumer in `groupId` until `count` messages arrived (or the timeout hits). */
async function consumeUntil(consumer: Consumer, count: number, timeoutMs: number): Promise<Received[]> {
  const got: Received[] = [];
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      got.push(toReceived(partition, message));
      if (got.length >= count) done();
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${got.length}/${count} messages`)), timeoutMs);
  });
  try {
    await Promise.race([finished, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return got;
}

async function groupLag(admin: Admin): Promise<Map<number, { committed: number; high: number }>> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  const lag = new Map<number, { committed: number; high: number }>();
  for (const end of ends) {
    const c = committed?.partitions.find((p) => p.partition === end.partition);
    lag.set(end.partition, { committed: Number(c?.offset ?? '-1'), high: Number(end.high) });
  }
  return lag;
}

test('kafkajs 2.2.4 works against the test broker', { timeout: 120_000 }, async (t) => {
  const admin = kafka.admin();
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await admin.connect();
  t.after(async () => {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  const cluster = await admin.describeCluster();
  assert.equal(cluster.brokers.length, 1, 'single-node broker');

  // Admin: create a 2-partition topic and read it back.
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  assert.equal(created, true);
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(meta.topics[0]?.partitions.length, 2);

  // Produce keyed messages with headers; the default partitioner spreads keys over both partitions.
  await producer.connect();
  const messages = Array.from({ length: MESSAGE_COUNT }, (_, i) => ({
    key: `key-${i}`,
    value: JSON.stringify({ i }),
    headers: { 'trace-id': `trace-${i}`, seq: String(i) },
  }));
  const produced = await producer.send({ topic, acks: -1, messages });
  assert.ok(produced.length > 0);
  await producer.disconnect();

  const ends = await admin.fetchTopicOffsets(topic);
  const total = ends.reduce((sum, p) => sum + Number(p.high), 0);
  assert.equal(total, MESSAGE_COUNT);
  for (const p of ends) assert.ok(Number(p.high) > COMMITTED_PER_PARTITION, `partition ${p.partition} got too few keys`);

  // First consumer: read everything from the beginning, commit only the first messages per partition.
  const first = kafka.consumer(consumerConfig);
  await first.connect();
  const firstBatch = await consumeUntil(first, MESSAGE_COUNT, 60_000);
  assert.equal(firstBatch.length, MESSAGE_COUNT);
  for (const m of firstBatch) {
    const i = Number(m.seq);
    assert.equal(m.key, `key-${i}`);
    assert.deepEqual(JSON.parse(m.value), { i });
    assert.equal(m.trace, `trace-${i}`);
  }
  const partitionOfKey = new Map(firstBatch.map((m) => [m.key, m.partition]));
  assert.equal(new Set(partitionOfKey.values()).size, 2, 'keys spread over both partitions');
  await first.commitOffsets(
    ends.map((p) => ({ topic, partition: p.partition, offset: String(COMMITTED_PER_PARTITION) })),
  );
  await first.disconnect();

  // Lag via admin: committed offset per partition and the high watermark.
  const lagAfterFirst = await groupLag(admin);
  let expectedRemaining = 0;
  for (const [partition, { committed, high }] of lagAfterFirst) {
    assert.equal(committed, COMMITTED_PER_PARTITION, `committed offset of partition ${partition}`);
    expectedRemaining += high - committed;
  }
  assert.equal(expectedRemaining, MESSAGE_COUNT - 2 * COMMITTED_PER_PARTITION);

  // Restarted consumer in the same group resumes after the committed offsets, not from the beginning.
  const second = kafka.consumer(consumerConfig);
  await second.connect();
  const secondBatch = await consumeUntil(second, expectedRemaining, 60_000);
  // Give it a moment to show it delivers nothing more (e.g. a replay from offset 0).
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(secondBatch.length, expectedRemaining);
  for (const p of [0, 1]) {
    const offsets = secondBatch.filter((m) => m.partition === p).map((m) => m.offset);
    assert.equal(Math.min(...offsets), COMMITTED_PER_PARTITION, `partition ${p} resumed at the committed offset`);
  }
  for (const m of secondBatch) assert.equal(partitionOfKey.get(m.key), m.partition, 'same key, same partition');
  await second.commitOffsets(ends.map((p) => ({ topic, partition: p.partition, offset: p.high })));
  await second.disconnect();

  const lagAfterSecond = await groupLag(admin);
  for (const [partition, { committed, high }] of lagAfterSecond) {
    assert.equal(high - committed, 0, `lag of partition ${partition} after committing everything`);
  }
});
