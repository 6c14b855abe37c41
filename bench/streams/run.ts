/**
 * `npm run bench:streams`: records per second from a Kafka backlog into PostgreSQL, two ways in
 * one run on the same topic: (i) a hand-written kafkajs → pg batched consumer (baseline.ts, the
 * physical limit), (ii) Tributary's kafka-to-db template (kafka-in → postgres insert, records
 * per run = --batch, partitions at once = --partitions) in the real server, made and started
 * through the REST API as a user would. Each side's rows are counted in its own table; a side
 * that does not write every record fails the run. See bench/README.md.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { baseline } from './baseline.ts';
import { startTestServer } from '../../server/server.test-support.ts';

const { Kafka, logLevel, Partitioners } = kafkajs;
const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    partitions: { type: 'string', default: '4' },
    batch: { type: 'string', default: '500' },
    trace: { type: 'string', default: 'full' },
    brokers: { type: 'string', default: process.env['TRIBUTARY_KAFKA_BROKERS'] ?? '127.0.0.1:19092' },
  },
});
const records = Number(args.records);
const partitions = Number(args.partitions);
const batch = Number(args.batch);
const brokers = args.brokers.split(',');
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const suffix = randomBytes(4).toString('hex');
const topic = `bench-streams-${suffix}`;
const kafka = new Kafka({ brokers, clientId: 'bench-streams', logLevel: logLevel.NOTHING });
const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
await db.connect();
const admin = kafka.admin();
await admin.connect();
const tables = { baseline: `bench_streams_b_${suffix}`, tributary: `bench_streams_t_${suffix}` };
const count = async (table: string): Promise<number> => Number((await db.query(`SELECT count(DISTINCT id) AS n FROM ${table}`)).rows[0].n);

try {
  for (const t of Object.values(tables)) await db.query(`CREATE TABLE ${t} (id integer, amount integer NOT NULL, note text)`);
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  log(`producing ${fmt(records)} records to ${topic} (${partitions} partitions)…`);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < records; i += 10_000) {
    const n = Math.min(10_000, records - i);
    await producer.send({ topic, acks: 1, messages: Array.from({ length: n }, (_, k) => ({ key: String(i + k), value: JSON.stringify({ id: i + k, amount: (i + k) % 1000, note: `record ${i + k}` }) })) });
  }
  await producer.disconnect();

  log('baseline: kafkajs eachBatch → pg multi-row INSERT → commit…');
  const base = await baseline({ brokers, topic, table: tables.baseline, records, partitions, batch });
  const baseRows = await count(tables.baseline);

  log('tributary: kafka-to-db template in the server…');
  const s = await startTestServer();
  let tribSeconds = Number.NaN;
  let tribDrain = Number.NaN;
  try {
    const make = async (name: string, type: string, params: Record<string, unknown>): Promise<string> => {
      const r = await s.api('/api/connections', { body: { name, type, environment: 'test', params, secrets: {} } });
      if (r.status !== 201) throw new Error(`connection ${name}: ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    };
    const created = await s.api('/api/templates/kafka-to-db/instantiate', {
      body: {
        name: 'bench streams',
        params: {
          kafka: await make('Kafka_bench', 'kafka', { brokers }), target: await make('PG_bench', 'postgres', { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' }),
          topic, groupId: `${topic}-tributary`, targetTable: tables.tributary, fromBeginning: true, writeMode: 'insert', recordsPerRun: batch, partitionsAtOnce: partitions,
        },
      },
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    const flowId = created.body.id as string;
    const doc = (await s.api(`/api/flows/${flowId}`)).body as Record<string, unknown>;
    const put = await s.api(`/api/flows/${flowId}`, { method: 'PUT', body: { name: doc['name'], nodes: doc['nodes'], edges: doc['edges'], settings: { ...(doc['settings'] as object), trace: args.trace } } });
    if (put.status !== 200) throw new Error(JSON.stringify(put.body));
    const started = performance.now();
    const start = await s.api(`/api/flows/${flowId}/start`, { method: 'POST' });
    if (start.status !== 200) throw new Error(JSON.stringify(start.body));
    const deadline = Date.now() + Math.max(120_000, records * 2);
    let firstAt = 0;
    for (;;) {
      const n = Number((await db.query(`SELECT count(*) AS n FROM ${tables.tributary}`)).rows[0].n);
      // the first rows seen (polled every 100 ms): from here on it is the drain, as the baseline's
      if (n > 0 && firstAt === 0) firstAt = performance.now();
      if (n >= records) break;
      if (Date.now() > deadline) throw new Error(`tributary wrote ${n} of ${records} rows in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const end = performance.now();
    tribSeconds = (end - started) / 1000;
    tribDrain = (end - firstAt) / 1000;
  } finally {
    await s.destroy();
  }
  const tribRows = await count(tables.tributary);
  const baseRate = records / base.seconds;
  const tribRate = records / tribSeconds;
  const baseDrain = records / base.drainSeconds;
  const tribDrainRate = records / tribDrain;
  const lines = [
    `| side | records | distinct rows in PostgreSQL | seconds from start | records/s from start | records/s after the first rows |`,
    `|---|---|---|---|---|---|`,
    `| kafkajs → pg batched consumer (baseline) | ${fmt(records)} | ${fmt(baseRows)} | ${base.seconds.toFixed(1)} | ${fmt(baseRate)} | ${fmt(baseDrain)} |`,
    `| Tributary kafka-to-db (trace ${args.trace}) | ${fmt(records)} | ${fmt(tribRows)} | ${tribSeconds.toFixed(1)} | ${fmt(tribRate)} | ${fmt(tribDrainRate)} |`,
    ``,
    `Tributary / baseline: ${((tribRate / baseRate) * 100).toFixed(0)} % from start, ${((tribDrainRate / baseDrain) * 100).toFixed(0)} % after the first rows ` +
      `(targets: ≥ 80 % and ≥ 20,000 records/s); ${partitions} partitions, ${batch} records per write; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (baseRows !== records || tribRows !== records) {
    log('a side did not write every record exactly');
    process.exitCode = 1;
  }
} finally {
  for (const t of Object.values(tables)) await db.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  await db.end();
}
