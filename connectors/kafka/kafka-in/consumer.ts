/**
 * One kafka-in node's consumer. Each record starts a run; its offset is committed only once
 * the run succeeded (and its end is stored: a run whose end cannot be stored counts as failed). A failed run pauses the partition and seeks back to the record, which is
 * delivered again after a backoff, so nothing later in that partition is committed before it.
 */
import type { Consumer, EachMessagePayload } from 'kafkajs';
import type { ConnectionLease, FiredRun, NodeContext, RunOutcome } from '../../../server/engine/node-api.ts';
import type { KafkaClient } from '../driver.ts';
import { kafkaErrorMessage } from '../driver.ts';
import { decodeRecord } from '../decode.ts';
import { redeliveryDelay } from '../backoff.ts';
import { LagReporter } from '../lag.ts';
import type { KafkaInParams } from './spec.ts';
import { kafkaInStatus, type Problem, type StatusView } from './status.ts';
import { recordFailedRun } from './failed-run.ts';

/** while a run is awaited, the group is told the consumer is alive this often */
const HEARTBEAT_MS = 2000;
/** how long closing waits for kafkajs to leave the group */
const DISCONNECT_MS = 10_000;

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
  private readonly problems = new Map<string, Problem>();
  private readonly firstSeen = new Map<string, number>();
  private readonly view: StatusView = { ready: false, problems: [], skipped: 0 };

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
        partitionsConsumedConcurrently: p.concurrency,
        eachMessage: (payload) => this.onRecord(payload),
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

  private async onRecord({ topic, partition, message, heartbeat, pause }: EachMessagePayload): Promise<void> {
    // not started: not committed, so it is delivered again after a restart
    if (this.stopping) return;
    const key = tpKey(topic, partition);
    if (!this.firstSeen.has(key)) this.firstSeen.set(key, Number(message.offset));
    const decoded = decodeRecord(topic, partition, message, this.p.format);
    if (decoded.error !== undefined) return this.onUnparsable(topic, partition, message.offset, decoded.msg, decoded.error, pause);
    const fired = this.ctx.fire(decoded.msg, { kind: 'event' });
    // refused (the store cannot write): nothing ran, so it is no attempt; fetched again after the
    // first backoff, until the store writes again (the engine shows the condition on this node)
    if (fired.refused) return this.rewind(topic, partition, message.offset, pause, this.p.retryBackoffMs);
    const outcome = await this.outcomeOf(fired, heartbeat);
    if (outcome?.status === 'succeeded') {
      this.clearProblem(key);
      return this.commit(topic, partition, message.offset);
    }
    if (!outcome || outcome.status === 'cancelled' || this.stopping) return this.rewind(topic, partition, message.offset, pause);
    const before = this.problems.get(key);
    const attempt = (before?.offset === Number(message.offset) ? (before.attempt ?? 0) : 0) + 1;
    const error = outcome.error ?? `run ${outcome.status}`;
    if (this.p.maxAttempts > 0 && attempt >= this.p.maxAttempts) {
      this.ctx.log.warn('kafka-in: giving up on a record after its last attempt; committing past it', {
        nodeId: this.ctx.node.id, topic, partition, offset: message.offset, attempts: attempt, error,
      });
      this.clearProblem(key);
      return this.commit(topic, partition, message.offset);
    }
    const delay = redeliveryDelay(attempt, this.p.retryBackoffMs, this.p.retryBackoffMaxMs);
    const retryAt = new Date(Date.now() + delay).toISOString();
    this.setProblem(key, { kind: 'retrying', topic, partition, offset: Number(message.offset), attempt, error, retryAt });
    this.rewind(topic, partition, message.offset, pause, delay);
  }

  private async onUnparsable(
    topic: string, partition: number, offset: string, msg: Record<string, unknown>, error: string, pause: () => () => void,
  ): Promise<void> {
    const nodeId = this.ctx.node.id;
    recordFailedRun(this.ctx, { ...msg, error: { message: error, nodeId, code: 'PARSE_ERROR' } }, error);
    this.ctx.log.error(`kafka-in: ${error}`, { nodeId, topic, partition, offset, policy: this.p.onParseError });
    if (this.p.onParseError === 'skip') {
      this.update(() => this.view.skipped++);
      return this.commit(topic, partition, offset);
    }
    // the bytes will not change: hold the partition at this record until the flow is restarted
    this.setProblem(tpKey(topic, partition), { kind: 'stopped', topic, partition, offset: Number(offset), error });
    this.rewind(topic, partition, offset, pause);
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

  /** Pause the partition and fetch it again from `offset`: after `delayMs`, or (none) only after a restart. */
  private rewind(topic: string, partition: number, offset: string, pause: () => () => void, delayMs?: number): void {
    const resume = pause();
    try {
      this.consumer?.seek({ topic, partition, offset });
    } catch (err) {
      // the consumer is restarting: it starts again from the committed offset, which is at or before this record
      this.ctx.log.debug('kafka-in: seek failed', { nodeId: this.ctx.node.id, error: String(err) });
    }
    if (delayMs === undefined || this.stopping) return;
    const key = tpKey(topic, partition);
    clearTimeout(this.resumeTimers.get(key));
    const timer = setTimeout(() => {
      this.resumeTimers.delete(key);
      if (!this.stopping) resume();
    }, delayMs);
    this.resumeTimers.set(key, timer);
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

  private setProblem(key: string, problem: Problem): void {
    this.update(() => this.problems.set(key, problem));
  }

  private clearProblem(key: string): void {
    if (this.problems.has(key)) this.update(() => this.problems.delete(key));
  }

  private update(change: () => unknown): void {
    change();
    this.publish();
  }

  private publish(): void {
    if (this.closing) return;
    this.view.problems = [...this.problems.values()];
    this.ctx.setStatus(kafkaInStatus(this.view));
  }
}

function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
