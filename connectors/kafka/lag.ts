/**
 * Consumer lag of a group: per partition, the high watermark minus the committed offset,
 * measured with an admin client every few seconds and soon after commits.
 */
import type { Admin, Kafka } from 'kafkajs';

export interface PartitionLag { topic: string; partition: number; committed: number | null; high: number; lag: number }

export interface LagOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** where the group starts reading a partition it never committed (fromBeginning: low watermark) */
  startOf(topic: string, partition: number, low: number, high: number): number;
  onLag(partitions: PartitionLag[]): void;
  onError(err: unknown): void;
  everyMs?: number;
  /** measurements asked for by `poke` come at most this often */
  minGapMs?: number;
}

export class LagReporter {
  private admin?: Admin;
  private connecting?: Promise<Admin>;
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastAt = 0;
  private closed = false;

  constructor(private readonly o: LagOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.measureNow(), this.o.everyMs ?? 5000);
    this.timer.unref();
    void this.measureNow();
  }

  /** something moved (a commit): measure again soon, at most once per `minGapMs` */
  poke(): void {
    if (this.soon || this.closed) return;
    const wait = Math.max(0, this.lastAt + (this.o.minGapMs ?? 1000) - Date.now());
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.measureNow();
    }, wait);
    this.soon.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.running?.catch(() => undefined);
    const admin = this.admin ?? (await this.connecting?.catch(() => undefined));
    await admin?.disconnect().catch(() => undefined);
  }

  measureNow(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // one measurement at a time; a request during one is served by it
    this.running ??= this.measure()
      .then((lag) => {
        if (!this.closed) this.o.onLag(lag);
      }, (err: unknown) => {
        if (!this.closed) this.o.onError(err);
      })
      .finally(() => {
        this.running = undefined;
        this.lastAt = Date.now();
      });
    return this.running;
  }

  private async measure(): Promise<PartitionLag[]> {
    const admin = await this.connect();
    const { groupId, topics } = this.o;
    const committed = await admin.fetchOffsets({ groupId, topics });
    const out: PartitionLag[] = [];
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const high = Number(end.high);
        const done = Number(mine.find((m) => m.partition === end.partition)?.offset ?? -1);
        const from = done >= 0 ? done : this.o.startOf(topic, end.partition, Number(end.low), high);
        out.push({ topic, partition: end.partition, committed: done >= 0 ? done : null, high, lag: Math.max(0, high - from) });
      }
    }
    return out;
  }

  private connect(): Promise<Admin> {
    if (this.admin) return Promise.resolve(this.admin);
    this.connecting ??= (async () => {
      const admin = this.o.kafka.admin();
      try {
        await admin.connect();
      } catch (err) {
        this.connecting = undefined;
        throw err;
      }
      if (this.closed) {
        await admin.disconnect().catch(() => undefined);
        throw new Error('lag reporter closed');
      }
      this.admin = admin;
      return admin;
    })();
    return this.connecting;
  }
}
