/**
 * One kafka-in node's consumer. Records are fetched by batch (kafkajs eachBatch), partitions
 * run concurrently (`concurrency`), and each partition's records start runs in order: one run
 * per record, or one per `batchSize` consecutive records (payload a list). An offset is
 * committed only once the run that covered it succeeded (and its end is stored).
 *
 * A failed run pauses the partition and seeks back to its first record, delivered again after
 * a backoff, so nothing later in that partition is committed before it. A failed batch is run
 * again record by record, so one bad record is found and handled alone. A record whose runs
 * failed `maxAttempts` times for a reason of its own goes to the dead-letter topic (or, without
 * one, is gone past); a failure because a broker or database is down (RunOutcome.transient) is
 * waited for and never counted. An operator can act on a held record (stuck.ts).
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { ConnectionLease, FiredRun, NodeContext, RunOutcome } from '../../../server/engine/node-api.ts';
import type { Message } from '../../../core/flow-types.ts';
import type { KafkaClient } from '../driver.ts';
import { kafkaErrorMessage } from '../driver.ts';
import { decodeRecord } from '../decode.ts';
import { redeliveryDelay } from '../backoff.ts';
import { LagReporter } from '../lag.ts';
import type { KafkaInParams } from './spec.ts';
import { kafkaInStatus, type Problem, type StatusView } from './status.ts';
import { recordFailedRun } from './failed-run.ts';
import { sendDeadLetter, type DeadLetterContext } from './dead-letter.ts';
import { stuckAction, type Held } from './stuck.ts';

/** while a run is awaited, the group is told the consumer is alive this often */
const HEARTBEAT_MS = 2000;
/** how long closing waits for kafkajs to leave the group */
const DISCONNECT_MS = 10_000;

interface Decoded { raw: KafkaMessage; msg: Message }

export class KafkaInConsumer {
  private lease?: ConnectionLease<KafkaClient>;
  private consumer?: Consumer;
  private lag?: LagReporter;
  private detachLog?: () => void;
  private releaseGroup?: () => void;
  /** set by stop(): no new runs; running ones may still finish and commit */
  private stopping = false;
  private closing = false;
  private readonly closed: Promise<undefined>;
  private markClosed!: () => void;
  private readonly resumeTimers = new Map<string, NodeJS.Timeout>();
  /** partition → what holds it (shown in the status) and the record, for the operator */
  private readonly held = new Map<string, Held>();
  /** partition → the resume of its last pause */
  private readonly resumers = new Map<string, () => void>();
  private readonly firstSeen = new Map<string, number>();
  private readonly view: StatusView = { ready: false, problems: [], skipped: 0, deadLettered: 0 };

  constructor(private readonly ctx: NodeContext, private readonly p: KafkaInParams) {
    this.closed = new Promise((resolve) => (this.markClosed = () => resolve(undefined)));
  }

  async start(): Promise<void> {
    const { ctx, p } = this;
    // the flow disposes shared resources after its runs finished or were cancelled: that is when we leave the group
    await ctx.shared(`kafka-in:${ctx.node.id}`, () => this, (self) => self.close());
    this.lease = await ctx.connections.acquire<KafkaClient>(p.connection, 'kafka');
    const client = this.lease.client;
    this.releaseGroup = client.claimGroup(p.groupId, p.topics, `flow ${ctx.flowId} node ${ctx.node.id}`);
    this.detachLog = client.attachLog(ctx.log);
    const consumer = client.kafka.consumer({
      groupId: p.groupId,
      sessionTimeout: p.sessionTimeoutMs,
      heartbeatInterval: Math.min(3000, Math.floor(p.sessionTimeoutMs / 3)),
      // a short long-poll: leaving the group waits for the pending fetch
      maxWaitTimeInMs: 1000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => this.update(() => delete this.view.crashed));
    consumer.on(consumer.events.FETCH, () => {
      if (!this.view.ready) this.update(() => (this.view.ready = true));
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload;
      this.update(() => (this.view.crashed = `${kafkaErrorMessage(error)}${restart ? ' (restarting)' : ''}`));
    });
    this.publish();
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: p.topics, fromBeginning: p.fromBeginning });
      await consumer.run({
        autoCommit: false,
        // offsets are resolved (and committed) by us, only for records whose runs succeeded
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: p.concurrency,
        eachBatch: (payload) => this.onBatch(payload),
      });
    } catch (err) {
      throw new Error(`kafka-in ${ctx.node.id} cannot consume ${p.topics.join(', ')} in group "${p.groupId}": ${kafkaErrorMessage(err)}`);
    }
    this.lag = new LagReporter({
      kafka: client.kafka,
      groupId: p.groupId,
      topics: p.topics,
      startOf: (topic, partition, low, high) => (p.fromBeginning ? low : this.firstSeen.get(tpKey(topic, partition)) ?? high),
      onLag: (lag) => this.update(() => {
        this.view.lag = lag;
        delete this.view.lagError;
      }),
      onError: (err) => this.update(() => (this.view.lagError = kafkaErrorMessage(err))),
    });
    this.lag.start();
  }

  /** Stops starting runs and fetching; runs in flight go on (the flow waits for them), then `close`. */
  stop(): void {
    this.stopping = true;
    for (const t of this.resumeTimers.values()) clearTimeout(t);
    this.resumeTimers.clear();
    try {
      this.consumer?.pause(this.p.topics.map((topic) => ({ topic })));
    } catch {
      // not running yet (or restarting after a crash): nothing is fetched anyway
    }
  }

  /** Leaves the group. Records whose runs have not succeeded by now stay uncommitted and come again. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.stop();
    this.markClosed();
    await this.lag?.close();
    const consumer = this.consumer;
    if (consumer) {
      let timer: NodeJS.Timeout | undefined;
      const left = consumer.disconnect().catch((err: unknown) => this.ctx.log.warn('kafka-in: leaving the group failed', { nodeId: this.ctx.node.id, error: kafkaErrorMessage(err) }));
      await Promise.race([left, new Promise((r) => (timer = setTimeout(r, DISCONNECT_MS)))]);
      clearTimeout(timer);
    }
    this.detachLog?.();
    this.releaseGroup?.();
    await this.lease?.release().catch(() => undefined);
    this.ctx.setStatus({ state: 'idle', text: 'stopped' });
  }

  /** POST …/nodes/:nodeId/stuck/skip | dead-letter | replay */
  operate(action: string, body: Record<string, unknown>): Promise<unknown> {
    return stuckAction(action, body, this.held, {
      hasDeadLetter: this.p.deadLetterTopic !== '',
      skip: (h) => this.release(h, 'skip'),
      deadLetter: (h) => this.release(h, 'deadLetter'),
      replay: (h) => this.release(h, 'replay'),
    });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    const key = tpKey(topic, partition);
    const first = messages[0];
    if (first && !this.firstSeen.has(key)) this.firstSeen.set(key, Number(first.offset));
    const go = () => !this.stopping && isRunning() && !isStale();
    let i = 0;
    while (i < messages.length && go()) {
      // a held record (failed before) runs alone, so the failure is its own
      const heldAt = this.held.get(key)?.problem.offset;
      const size = heldAt === Number(messages[i]!.offset) ? 1 : this.p.batchSize;
      const chunk: Decoded[] = [];
      let bad: { raw: KafkaMessage; msg: Message; error: string } | undefined;
      while (i < messages.length && chunk.length < size) {
        const raw = messages[i]!;
        const decoded = decodeRecord(topic, partition, raw, this.p.format);
        if (decoded.error !== undefined) {
          bad = { raw, msg: decoded.msg, error: decoded.error };
          break;
        }
        chunk.push({ raw, msg: decoded.msg });
        i++;
      }
      if (chunk.length > 0 && !(await this.runChunk(topic, partition, chunk, heartbeat, pause))) return;
      for (const c of chunk) resolveOffset(c.raw.offset);
      if (bad && go()) {
        if (!(await this.onUnparsable(topic, partition, bad.raw, bad.msg, bad.error, pause))) return;
        resolveOffset(bad.raw.offset);
        i++;
      }
    }
  }

  /** Runs a chunk; true when its offsets are committed (or gone past) and the partition goes on. */
  private async runChunk(topic: string, partition: number, chunk: Decoded[], heartbeat: () => Promise<void>, pause: () => () => void): Promise<boolean> {
    if (chunk.length === 1) return this.runRecord(topic, partition, chunk[0]!, heartbeat, pause);
    const last = chunk[chunk.length - 1]!.raw;
    const start = chunk[0]!.raw.offset;
    const fired = this.ctx.fire(batchMessage(topic, partition, chunk), { kind: 'event' });
    if (fired.refused) return this.rewind(topic, partition, start, pause, this.p.retryBackoffMs);
    const outcome = await this.outcomeOf(fired, heartbeat);
    if (outcome?.status === 'succeeded') {
      this.clearHeld(tpKey(topic, partition));
      await this.commit(topic, partition, last.offset);
      return true;
    }
    if (!outcome || outcome.status === 'cancelled' || this.stopping) return this.rewind(topic, partition, start, pause);
    if (outcome.transient) return this.waitFor(topic, partition, chunk[0]!.raw, outcome, pause, 0);
    // the batch failed for a reason of one of its records: find it, record by record
    for (const record of chunk) if (!(await this.runRecord(topic, partition, record, heartbeat, pause))) return false;
    return true;
  }

  private async runRecord(topic: string, partition: number, { raw, msg }: Decoded, heartbeat: () => Promise<void>, pause: () => () => void): Promise<boolean> {
    const key = tpKey(topic, partition);
    const fired = this.ctx.fire(msg, { kind: 'event' });
    // refused (the store cannot write): nothing ran, so it is no attempt; fetched again after the
    // first backoff, until the store writes again (the engine shows the condition on this node)
    if (fired.refused) return this.rewind(topic, partition, raw.offset, pause, this.p.retryBackoffMs);
    const outcome = await this.outcomeOf(fired, heartbeat);
    if (outcome?.status === 'succeeded') {
      this.clearHeld(key);
      await this.commit(topic, partition, raw.offset);
      return true;
    }
    if (!outcome || outcome.status === 'cancelled' || this.stopping) return this.rewind(topic, partition, raw.offset, pause);
    const before = this.held.get(key)?.problem;
    const sameRecord = before?.offset === Number(raw.offset);
    if (outcome.transient) return this.waitFor(topic, partition, raw, outcome, pause, sameRecord ? (before.attempt ?? 0) : 0);
    const attempt = (sameRecord ? (before.attempt ?? 0) : 0) + 1;
    const error = outcome.error ?? `run ${outcome.status}`;
    if (this.p.maxAttempts > 0 && attempt >= this.p.maxAttempts) {
      return this.giveUp(topic, partition, raw, { reason: 'RUN_FAILED', error, attempts: attempt }, pause);
    }
    const delay = redeliveryDelay(attempt, this.p.retryBackoffMs, this.p.retryBackoffMaxMs);
    this.hold(key, raw, { kind: 'retrying', topic, partition, offset: Number(raw.offset), attempt, error, retryAt: new Date(Date.now() + delay).toISOString() });
    return this.rewind(topic, partition, raw.offset, pause, delay);
  }

  /** A broker or database is down: wait and deliver the record again, its attempts not counted. */
  private waitFor(topic: string, partition: number, raw: KafkaMessage, outcome: RunOutcome, pause: () => () => void, attempt: number): boolean {
    const key = tpKey(topic, partition);
    const waits = (this.held.get(key)?.waits ?? 0) + 1;
    const delay = redeliveryDelay(waits, this.p.retryBackoffMs, this.p.retryBackoffMaxMs);
    const error = outcome.error ?? 'run failed';
    this.hold(key, raw, {
      kind: 'waiting', topic, partition, offset: Number(raw.offset), attempt, error, retryAt: new Date(Date.now() + delay).toISOString(),
    }, waits);
    return this.rewind(topic, partition, raw.offset, pause, delay);
  }

  /** After the last attempt: to the dead-letter topic when there is one, else past it; true once committed. */
  private async giveUp(
    topic: string, partition: number, raw: KafkaMessage, why: Pick<DeadLetterContext, 'reason' | 'error' | 'attempts'>, pause: () => () => void,
  ): Promise<boolean> {
    const key = tpKey(topic, partition);
    const nodeId = this.ctx.node.id;
    if (this.p.deadLetterTopic) {
      try {
        await this.deadLetter(topic, partition, raw, why);
      } catch (err) {
        // the dead-letter topic cannot take it (broker down): the record stays, tried again later
        const error = `dead-letter topic "${this.p.deadLetterTopic}" did not take the record: ${kafkaErrorMessage(err)}`;
        const delay = this.p.retryBackoffMaxMs;
        this.hold(key, raw, { kind: 'waiting', topic, partition, offset: Number(raw.offset), attempt: why.attempts, error, retryAt: new Date(Date.now() + delay).toISOString() });
        return this.rewind(topic, partition, raw.offset, pause, delay);
      }
    } else {
      this.ctx.log.warn('kafka-in: giving up on a record after its last attempt; committing past it', {
        nodeId, topic, partition, offset: raw.offset, attempts: why.attempts, error: why.error,
      });
      this.update(() => this.view.skipped++);
    }
    this.clearHeld(key);
    await this.commit(topic, partition, raw.offset);
    return true;
  }

  private async deadLetter(topic: string, partition: number, raw: KafkaMessage, why: Pick<DeadLetterContext, 'reason' | 'error' | 'attempts'>): Promise<void> {
    const client = this.lease!.client;
    const nodeId = this.ctx.node.id;
    await sendDeadLetter(client, this.p.deadLetterTopic, raw, { topic, partition, flowId: this.ctx.flowId, nodeId, ...why });
    this.ctx.log.warn(`kafka-in: record sent to the dead-letter topic "${this.p.deadLetterTopic}"`, {
      nodeId, topic, partition, offset: raw.offset, attempts: why.attempts, reason: why.reason, error: why.error,
    });
    this.update(() => this.view.deadLettered++);
  }

  private async onUnparsable(topic: string, partition: number, raw: KafkaMessage, msg: Message, error: string, pause: () => () => void): Promise<boolean> {
    const nodeId = this.ctx.node.id;
    const key = tpKey(topic, partition);
    const again = this.held.get(key)?.problem.offset === Number(raw.offset);
    // recorded once per record, not once per redelivery while it is held
    if (!again) recordFailedRun(this.ctx, { ...msg, error: { message: error, nodeId, code: 'PARSE_ERROR' } }, error);
    if (!again) this.ctx.log.error(`kafka-in: ${error}`, { nodeId, topic, partition, offset: raw.offset, policy: this.p.onParseError });
    if (this.p.onParseError === 'skip') {
      this.update(() => this.view.skipped++);
      await this.commit(topic, partition, raw.offset);
      return true;
    }
    if (this.p.onParseError === 'deadLetter' && this.p.deadLetterTopic) {
      return this.giveUp(topic, partition, raw, { reason: 'PARSE_ERROR', error, attempts: 1 }, pause);
    }
    // the bytes will not change: hold the partition at this record until the flow is restarted or an operator acts
    this.hold(key, raw, { kind: 'stopped', topic, partition, offset: Number(raw.offset), error });
    return this.rewind(topic, partition, raw.offset, pause);
  }

  /** An operator's action on the record that holds a partition. */
  private async release(h: Held, how: 'skip' | 'deadLetter' | 'replay'): Promise<unknown> {
    const { topic, partition, offset } = h.problem;
    const key = tpKey(topic, partition);
    if (how === 'deadLetter') {
      await this.deadLetter(topic, partition, h.raw, { reason: 'OPERATOR', error: h.problem.error, attempts: h.problem.attempt ?? 0 });
    }
    if (how !== 'replay') {
      await this.commit(topic, partition, h.raw.offset);
      if (how === 'skip') this.update(() => this.view.skipped++);
    }
    this.clearHeld(key);
    const next = how === 'replay' ? h.raw.offset : (BigInt(h.raw.offset) + 1n).toString();
    clearTimeout(this.resumeTimers.get(key));
    this.resumeTimers.delete(key);
    try {
      this.consumer?.seek({ topic, partition, offset: next });
    } catch (err) {
      this.ctx.log.debug('kafka-in: seek failed', { nodeId: this.ctx.node.id, error: String(err) });
    }
    const resume = this.resumers.get(key);
    this.resumers.delete(key);
    if (!this.stopping) resume?.();
    this.ctx.log.info(`kafka-in: operator ${how === 'deadLetter' ? 'dead-lettered' : how === 'skip' ? 'skipped' : 'replays'} a held record`, {
      nodeId: this.ctx.node.id, topic, partition, offset,
    });
    return { topic, partition, offset, action: how, next: Number(next) };
  }

  /** The run's end, telling the group we are alive meanwhile; undefined when the node closes first. */
  private async outcomeOf(run: FiredRun, heartbeat: () => Promise<void>): Promise<RunOutcome | undefined> {
    const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
    try {
      return await Promise.race([run.done, this.closed]);
    } finally {
      clearInterval(beat);
    }
  }

  /** Pause the partition and fetch it again from `offset`: after `delayMs`, or (none) only after a restart or an operator's action. Always false (the batch stops there). */
  private rewind(topic: string, partition: number, offset: string, pause: () => () => void, delayMs?: number): false {
    const key = tpKey(topic, partition);
    const resume = pause();
    this.resumers.set(key, resume);
    try {
      this.consumer?.seek({ topic, partition, offset });
    } catch (err) {
      // the consumer is restarting: it starts again from the committed offset, which is at or before this record
      this.ctx.log.debug('kafka-in: seek failed', { nodeId: this.ctx.node.id, error: String(err) });
    }
    if (delayMs === undefined || this.stopping) return false;
    clearTimeout(this.resumeTimers.get(key));
    const timer = setTimeout(() => {
      this.resumeTimers.delete(key);
      this.resumers.delete(key);
      if (!this.stopping) resume();
    }, delayMs);
    this.resumeTimers.set(key, timer);
    return false;
  }

  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    try {
      await this.consumer?.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
      this.lag?.poke();
    } catch (err) {
      // a later commit covers this record; if the partition moved to another consumer, it reads it again there
      this.ctx.log.warn('kafka-in: committing an offset failed; the record may be delivered again', {
        nodeId: this.ctx.node.id, topic, partition, offset, error: kafkaErrorMessage(err),
      });
    }
  }

  private hold(key: string, raw: KafkaMessage, problem: Problem, waits?: number): void {
    this.update(() => this.held.set(key, { problem, raw, ...(waits !== undefined ? { waits } : {}) }));
  }

  private clearHeld(key: string): void {
    if (this.held.has(key)) this.update(() => this.held.delete(key));
  }

  private update(change: () => unknown): void {
    change();
    this.publish();
  }

  private publish(): void {
    if (this.closing) return;
    this.view.problems = [...this.held.values()].map((h) => h.problem);
    this.ctx.setStatus(kafkaInStatus(this.view));
  }
}

/** A run's message for consecutive records of one partition: payload the list of their payloads. */
function batchMessage(topic: string, partition: number, chunk: Decoded[]): Message {
  return {
    payload: chunk.map((c) => c.msg['payload']),
    records: chunk.map(({ msg }) => ({ key: msg['key'], offset: msg['offset'], headers: msg['headers'], timestamp: msg['timestamp'] })),
    topic,
    partition,
    offset: chunk[0]!.msg['offset'],
    lastOffset: chunk[chunk.length - 1]!.msg['offset'],
    count: chunk.length,
  };
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
