// Readiness probe used by kafka.sh: exits 0 only when the broker answers a metadata request,
// accepts an acknowledged write and has a group coordinator, so "started" means tests can use it.
// Usage: node ready.mjs <host:port>
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const broker = process.argv[2] ?? '127.0.0.1:19092';
const topic = '__tributary_ready';

const kafka = new Kafka({
  clientId: 'tributary-kafka-ready',
  brokers: [broker],
  connectionTimeout: 1500,
  requestTimeout: 5000,
  retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 1000 },
  logLevel: logLevel.NOTHING,
});

const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });
let ok = false;
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length === 0) throw new Error('no broker in metadata');
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  }
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ value: String(Date.now()) }] });
  // Asking a group's offsets makes the broker create __consumer_offsets now, so the first
  // consumer group in a test does not meet "group coordinator is not available".
  await admin.fetchOffsets({ groupId: '__tributary_ready', topics: [topic] });
  ok = true;
} catch (err) {
  process.stderr.write(`not ready: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  await producer.disconnect().catch(() => {});
  await admin.disconnect().catch(() => {});
}
process.exit(ok ? 0 : 1);
