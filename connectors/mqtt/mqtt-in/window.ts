/**
 * The in-flight window of an mqtt-in: at most `maxInFlight` runs at once, the messages beyond
 * wait in a queue of at most `queueLimit`, and a message that finds the queue full is dropped —
 * counted, never silently. Without it a burst started a run per message at once, the database
 * pool's wait timed out and the rows were lost while the node still said "connected".
 */
import type { FiredRun } from '../../../server/engine/node-api.ts';

export interface WindowCounts {
  /** messages taken from the broker */
  received: number;
  /** runs started */
  started: number;
  /** runs that ended failed */
  failed: number;
  /** messages dropped because the queue was full */
  dropped: number;
  /** waiting for a place in the window now */
  queued: number;
  /** runs not ended yet */
  inFlight: number;
}

export class RunWindow<T> {
  private readonly queue: T[] = [];
  private head = 0;
  readonly counts: WindowCounts = { received: 0, started: 0, failed: 0, dropped: 0, queued: 0, inFlight: 0 };

  constructor(
    private readonly maxInFlight: number,
    private readonly queueLimit: number,
    private readonly start: (item: T) => FiredRun | undefined,
    /** told when a count that the status shows changed (dropped, failed) */
    private readonly changed: (what: 'dropped' | 'failed') => void,
  ) {}

  /** false: dropped (the queue is full) */
  offer(item: T): boolean {
    this.counts.received++;
    if (this.counts.inFlight < this.maxInFlight) {
      this.run(item);
      return true;
    }
    if (this.counts.queued >= this.queueLimit) {
      this.counts.dropped++;
      this.changed('dropped');
      return false;
    }
    this.queue.push(item);
    this.counts.queued++;
    return true;
  }

  /** messages still waiting are let go (the flow stops); returns how many */
  clear(): number {
    const n = this.counts.queued;
    this.queue.length = 0;
    this.head = 0;
    this.counts.queued = 0;
    return n;
  }

  private run(item: T): void {
    const fired = this.start(item);
    if (!fired) return;
    this.counts.started++;
    this.counts.inFlight++;
    void fired.done.then((outcome) => {
      this.counts.inFlight--;
      if (outcome.status === 'failed') {
        this.counts.failed++;
        this.changed('failed');
      }
      this.next();
    });
  }

  private next(): void {
    while (this.counts.inFlight < this.maxInFlight && this.counts.queued > 0) {
      const item = this.queue[this.head]!;
      this.queue[this.head++] = undefined as T;
      this.counts.queued--;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.run(item);
    }
  }
}
