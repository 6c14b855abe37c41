// kafka-in through the real engine and the real broker: at-least-once delivery, in order per partition.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Producer } from 'kafkajs';
import type { Message } from '../../../core/flow-types.ts';
import type { NodeContext } from '../../../server/engine/node-api.ts';
import { testEngine, directConnections } from '../../../server/engine/engine.test-support.ts';
import { kafkaDriver } from '../driver.ts';
import { kafkaInSpec } from './spec.ts';
import { kafkaInRuntime } from './runtime.ts';
import type { Problem } from './status.ts';
import {
  committed, createTopic, flow, kafkaProfile, Probe, probeSpec, statusEvents, testAdmin, testProducer, uniqueName, waitFor,
} from '../kafka.test-support.ts';

let admin: Admin;
let producer: Producer;
const topics: string[] = [];
before(async () => {
  admin = testAdmin();
  producer = testProducer();
  await Promise.all([admin.connect(), producer.connect()]);
});
after(async () => {
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await Promise.all([admin.disconnect(), producer.disconnect()]);
});

async function newTopic(partitions = 1): Promise<string> {
  const topic = uniqueName('in');
  topics.push(topic);
  await createTopic(admin, topic, partitions);
  return topic;
}

async function produce(topic: string, values: (string | object)[]): Promise<void> {
  await producer.send({ topic, messages: values.map((v) => ({ value: typeof v === 'string' ? v : JSON.stringify(v) })) });
}

/** an engine with kafka-in and the probe; tells whether the engine records runs that fail at the trigger */
function setup() {
  const probe = new Probe();
  const events = statusEvents();
  const connections = directConnections([kafkaDriver], [kafkaProfile('k')]);
  // runs failed at the trigger (a value that does not parse) go through the engine hook
  // `fireFailed`; this wrapper records every call and hands it on to the engine
  const seen = { failedFires: [] as { msg: Message; error: string }[] };
  const kafkaIn: typeof kafkaInRuntime = {
    type: 'kafka-in',
    create(ctx) {
      const fireFailed: NodeContext['fireFailed'] = (msg, error, options) => {
        seen.failedFires.push({ msg, error });
        return ctx.fireFailed(msg, error, options);
      };
      return kafkaInRuntime.create({ ...ctx, fireFailed } as typeof ctx);
    },
  };
  const made = testEngine([kafkaInSpec, probeSpec], [kafkaIn, probe.runtime()], { connections, events });
  const close = async (graceMs = 1000) => {
    await made.engine.shutdown(graceMs);
    await connections.closeAll();
  };
  return { ...made, probe, events, seen, close };
}

const consumerFlow = (params: Record<string, unknown>, probeParams: Record<string, unknown> = {}) =>
  flow(
    [
      { id: 'kin', type: 'kafka-in', params: { connection: 'k', fromBeginning: true, retryBackoffMs: 100, retryBackoffMaxMs: 400, sessionTimeoutMs: 6000, ...params } },
      { id: 'p', type: 'probe', params: probeParams },
    ],
    [['kin', 'p']],
  );

const total = async (groupId: string, topic: string) => [...(await committed(admin, groupId, topic)).values()].reduce((a, b) => a + Math.max(0, b), 0);

test('fromBeginning reads what was already there; otherwise only records after the node joined', async () => {
  const topic = await newTopic();
  await produce(topic, [{ n: 'old' }]);
  const { engine, probe, events, close } = setup();
  try {
    await engine.start('early', 1, consumerFlow({ topics: [topic], groupId: uniqueName('g') }));
    await engine.start('late', 1, consumerFlow({ topics: [topic], groupId: uniqueName('g'), fromBeginning: false }));
    // the latest offset is fixed by the first fetch; the node reports it as ready
    await waitFor('both ready', () => events.statuses.filter((s) => s.status['ready'] === true).length >= 2 || undefined);
    await produce(topic, [{ n: 'new' }]);
    await waitFor('early got 2, late got 1', () => (probe.of('early').length >= 2 && probe.of('late').length >= 1) || undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(probe.of('early').map((m) => (m.payload as { n: string }).n), ['old', 'new']);
    assert.deepEqual(probe.of('late').map((m) => (m.payload as { n: string }).n), ['new']);
    const m = probe.of('late')[0]!;
    assert.equal(m['topic'], topic);
    assert.equal(m['partition'], 0);
    assert.equal(m['offset'], 1);
    assert.equal(m['key'], null);
  } finally {
    await close();
  }
});

test('a failed run is not committed: the record comes again, in order, and what follows waits for it', async () => {
  const topic = await newTopic();
  const groupId = uniqueName('g');
  await produce(topic, [{ n: 0 }, { n: 1, failTimes: 2 }, { n: 2 }]);
  const { engine, store, probe, events, close } = setup();
  try {
    await engine.start('f', 1, consumerFlow({ topics: [topic], groupId }));
    await waitFor('3 records processed', () => probe.received.length >= 3 || undefined);
    assert.deepEqual(probe.received.map((m) => (m.payload as { n: number }).n), [0, 1, 2]);
    assert.equal(probe.deliveries(topic, 0, 1), 3, 'delivered until its run succeeded');
    assert.equal(probe.deliveries(topic, 0, 2), 1, 'the next record waited for it');
    await waitFor('committed to the end', async () => (await total(groupId, topic)) === 3 || undefined);
    const runs = [...store.runs.values()];
    assert.equal(runs.filter((r) => r.status === 'failed').length, 2);
    assert.equal(runs.filter((r) => r.status === 'succeeded').length, 3);
    const retrying = events.statuses.map((s) => s.status).find((s) => s.state === 'warn');
    assert.ok(retrying, 'the status warned while the record was retried');
    const problem = (retrying['problems'] as Problem[])[0]!;
    assert.equal(problem.kind, 'retrying');
    assert.equal(problem.offset, 1);
    assert.match(problem.error, /probe fails delivery/);
    await waitFor('status back to ok with lag 0', () => {
      const s = events.last('kin');
      return (s?.state === 'ok' && s['lag'] === 0) || undefined;
    });
  } finally {
    await close();
  }
});

test('maxAttempts gives up on a record after that many failed runs and commits past it', async () => {
  const topic = await newTopic();
  const groupId = uniqueName('g');
  await produce(topic, [{ n: 0, failTimes: 99 }, { n: 1 }]);
  const { engine, probe, close } = setup();
  try {
    await engine.start('m', 1, consumerFlow({ topics: [topic], groupId, maxAttempts: 2 }));
    await waitFor('record 1 processed', () => probe.received.length >= 1 || undefined);
    assert.equal(probe.deliveries(topic, 0, 0), 2);
    assert.deepEqual(probe.received.map((m) => (m.payload as { n: number }).n), [1]);
    await waitFor('committed to the end', async () => (await total(groupId, topic)) === 2 || undefined);
  } finally {
    await close();
  }
});

test('a value that is not JSON: "skip" records it and goes on, "stop" holds the partition there', async () => {
  const topic = await newTopic();
  const skipGroup = uniqueName('g');
  const stopGroup = uniqueName('g');
  await produce(topic, ['{"n":0}', 'not json {', '{"n":2}']);
  const { engine, store, probe, events, seen, close } = setup();
  try {
    await engine.start('skip', 1, consumerFlow({ topics: [topic], groupId: skipGroup, onParseError: 'skip' }));
    await engine.start('stop', 1, consumerFlow({ topics: [topic], groupId: stopGroup }));
    await waitFor('skip flow got 2 records', () => probe.of('skip').length >= 2 || undefined);
    assert.deepEqual(probe.of('skip').map((m) => (m.payload as { n: number }).n), [0, 2]);
    await waitFor('skip committed past it', async () => (await total(skipGroup, topic)) === 3 || undefined);
    const stopped = await waitFor('stop flow reports the held partition', () => {
      const s = events.statuses.find((e) => e.status.state === 'error')?.status;
      return s;
    });
    assert.match(stopped.text, /offset 1 stopped: value at .* offset 1 is not JSON/);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(probe.of('stop').map((m) => (m.payload as { n: number }).n), [0], 'nothing after the bad record');
    assert.equal(await total(stopGroup, topic), 1, 'committed up to the bad record only');
    assert.equal(seen.failedFires.length, 2, 'one failed run per consumer');
    for (const { msg, error } of seen.failedFires) {
      assert.match(error, /offset 1 is not JSON/);
      assert.equal(msg.payload, 'not json {', 'the raw text is kept for the trace');
      assert.equal(msg.error?.code, 'PARSE_ERROR');
      assert.equal(msg['offset'], 1);
    }
    const failed = [...store.runs.values()].filter((r) => r.status === 'failed');
    assert.equal(failed.length, 2, 'the engine recorded them');
    assert.match(failed[0]!.error!, /node kin: .*offset 1 is not JSON/);
    assert.equal(failed[0]!.steps[0]!.status, 'failed');
  } finally {
    await close();
  }
});

test('stopping the flow lets the running run finish and commits it', async () => {
  const topic = await newTopic();
  const groupId = uniqueName('g');
  const { engine, probe, close } = setup();
  try {
    await engine.start('s', 1, consumerFlow({ topics: [topic], groupId }, { delayMs: 800 }));
    await produce(topic, [{ n: 0 }]);
    await waitFor('the run started', () => probe.deliveries(topic, 0, 0) > 0 || undefined);
    await engine.stop('s');
    assert.equal(probe.received.length, 1);
    assert.equal(await total(groupId, topic), 1);
  } finally {
    await close();
  }
});

test('a run cut off by shutdown is not committed and is delivered again after a restart', async () => {
  const topic = await newTopic();
  const groupId = uniqueName('g');
  await produce(topic, [{ n: 0 }, { n: 1 }]);
  const first = setup();
  try {
    // slower than the grace below
    await first.engine.start('r', 1, consumerFlow({ topics: [topic], groupId }, { delayMs: 2000 }));
    await waitFor('the slow run started', () => first.probe.deliveries(topic, 0, 0) > 0 || undefined);
  } finally {
    await first.close(100);
  }
  assert.equal(await total(groupId, topic), 0, 'nothing committed');
  const second = setup();
  try {
    await second.engine.start('r', 1, consumerFlow({ topics: [topic], groupId }));
    await waitFor('both records processed after the restart', () => second.probe.received.length >= 2 || undefined);
    assert.deepEqual(second.probe.received.map((m) => m['offset']), [0, 1]);
    await waitFor('committed to the end', async () => (await total(groupId, topic)) === 2 || undefined);
  } finally {
    await second.close();
  }
});

test('the status shows the lag per partition, going down to 0', async () => {
  const topic = await newTopic(2);
  const groupId = uniqueName('g');
  await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: JSON.stringify({ i }), partition: i % 2 })) });
  const { engine, events, close } = setup();
  try {
    await engine.start('lag', 1, consumerFlow({ topics: [topic], groupId }, { delayMs: 60 }));
    const busy = await waitFor('a lag above 0', () => events.statuses.find((s) => Number(s.status['lag']) > 0)?.status);
    assert.match(busy.text, /^lag \d+/);
    const done = await waitFor('lag 0', () => {
      const s = events.last('kin');
      return s?.['lag'] === 0 ? s : undefined;
    }, 20_000);
    assert.deepEqual(
      (done['partitions'] as { partition: number; committed: number; high: number; lag: number }[]).map((p) => [p.partition, p.committed, p.high, p.lag]).sort(),
      [[0, 10, 10, 0], [1, 10, 10, 0]],
    );
  } finally {
    await close();
  }
});

test('a broker that refuses connections fails the flow start with the connection error', async () => {
  const probe = new Probe();
  const connections = directConnections([kafkaDriver], [kafkaProfile('k', { brokers: ['127.0.0.1:1'], timeoutMs: 500 })]);
  const { engine } = testEngine([kafkaInSpec, probeSpec], [kafkaInRuntime, probe.runtime()], { connections });
  const started = Date.now();
  await assert.rejects(engine.start('dead', 1, consumerFlow({ topics: ['never'], groupId: uniqueName('g') })), /kafka-in kin cannot consume never in group "trib-g-[^"]+": Connection error: connect ECONNREFUSED 127\.0\.0\.1:1/);
  assert.ok(Date.now() - started < 5000);
  assert.equal(engine.isRunning('dead'), false);
  await engine.shutdown();
  await connections.closeAll();
});

test('one consumer group for other topics is refused at start, naming the group and who holds it; the same topics may share it', async () => {
  const [a, b] = [await newTopic(), await newTopic()];
  const groupId = uniqueName('g');
  const { engine, close } = setup();
  try {
    await engine.start('first', 1, consumerFlow({ topics: [a], groupId }));
    await assert.rejects(engine.start('second', 1, consumerFlow({ topics: [a, b], groupId })),
      new RegExp(`consumer group "${groupId}" is already consumed here by flow first node kin for ${a}; consumers of one group must read the same topics`));
    assert.equal(engine.isRunning('second'), false);
    // a second member for the same topic is how a group scales: allowed
    await engine.start('twin', 1, consumerFlow({ topics: [a], groupId }));
    assert.equal(engine.isRunning('twin'), true);
    // once both leave, the group is free for other topics
    await engine.stop('first');
    await engine.stop('twin');
    await engine.start('second', 1, consumerFlow({ topics: [a, b], groupId }));
    assert.equal(engine.isRunning('second'), true);
  } finally {
    await close();
  }
});
