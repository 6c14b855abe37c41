/**
 * The physical limit of Kafka → PostgreSQL on this machine: a hand-written kafkajs consumer
 * (eachBatch, partitions concurrently) that writes each chunk of `batch` records as one
 * multi-row INSERT through a pg pool and commits the chunk's offsets after the insert, as a
 * careful engineer would write it without a product.
 */
import kafkajs from 'kafkajs';
import pg from 'pg';

const { Kafka, logLevel } = kafkajs;

export interface BaselineOptions { brokers: string[]; topic: string; table: string; records: number; partitions: number; batch: number }

/** seconds from run() to the last commit, and from the first insert's end to the last commit (the drain without the group join) */
export async function baseline(o: BaselineOptions): Promise<{ seconds: number; drainSeconds: number }> {
  const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: o.partitions });
  const kafka = new Kafka({ brokers: o.brokers, clientId: 'bench-baseline', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${o.topic}-baseline`, maxWaitTimeInMs: 200 });
  let written = 0;
  let firstAt = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
  const started = performance.now();
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: o.partitions,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (let i = 0; i < batch.messages.length; i += o.batch) {
        const chunk = batch.messages.slice(i, i + o.batch);
        const binds: unknown[] = [];
        const rows: string[] = [];
        for (const m of chunk) {
          const r = JSON.parse(m.value!.toString()) as { id: number; amount: number; note: string };
          const n = binds.length;
          binds.push(r.id, r.amount, r.note);
          rows.push(`($${n + 1}, $${n + 2}, $${n + 3})`);
        }
        await pool.query(`INSERT INTO ${o.table} (id, amount, note) VALUES ${rows.join(', ')}`, binds);
        const last = chunk[chunk.length - 1]!.offset;
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
        resolveOffset(last);
        await heartbeat();
        if (firstAt === 0) firstAt = performance.now();
        written += chunk.length;
        if (written >= o.records) finish();
      }
    },
  });
  await done;
  const end = performance.now();
  const seconds = (end - started) / 1000;
  const drainSeconds = (end - firstAt) / 1000;
  await consumer.disconnect();
  await pool.end();
  return { seconds, drainSeconds };
}
