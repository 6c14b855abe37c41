/**
 * A flow's sandbox inside a runner: one isolated-vm isolate with a memory limit and the
 * flow's scripts (one context each). Every isolate entry goes through `exec`, one at a time and
 * always asynchronously, so this process's own thread never waits on user code and always
 * knows what its isolate is doing and since when (the server asks, see `busy`).
 */
import ivm from 'isolated-vm';
import type { BootstrapLimits } from '../bootstrap.ts';
import { failureLine } from '../outcome.ts';
import type { RunnerLink } from './link.ts';
import type { RunnerScript } from './script.ts';

export interface IsolateNow { isolate: ivm.Isolate; generation: number }

/** what an isolate entry may do while it runs: say how long it may take from now */
export type Mark = (timeoutMs: number) => void;

const noop = (): void => {};

export class RunnerSandbox {
  readonly scripts = new Map<number, RunnerScript>();
  private isolate: ivm.Isolate | undefined;
  private generation = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private running: { startedAt: number; timeoutMs: number } | undefined;
  closed = false;

  constructor(
    readonly sid: number,
    readonly memoryMb: number,
    readonly limits: BootstrapLimits,
    readonly link: RunnerLink,
  ) {}

  /** the live isolate, created on first use and again after it died of its memory limit */
  current(): IsolateNow {
    if (this.isolate === undefined || this.isolate.isDisposed) {
      this.isolate = new ivm.Isolate({
        memoryLimit: this.memoryMb,
        // isolated-vm's advice: V8 lost control of the isolate, so end the process; the
        // server replaces this runner and fails the runs it held
        onCatastrophicError: (message) => {
          process.stderr.write(`script isolate failed beyond recovery: ${message}\n`);
          process.abort();
        },
      });
      this.generation++;
    }
    return { isolate: this.isolate, generation: this.generation };
  }

  /** runs `task` after every earlier entry of this isolate has ended */
  exec<T>(task: (mark: Mark) => Promise<T>): Promise<T> {
    const mark: Mark = (timeoutMs) => {
      this.running = { startedAt: Date.now(), timeoutMs };
    };
    const run = async (): Promise<T> => {
      try {
        return await task(mark);
      } finally {
        this.running = undefined;
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.then(noop, noop);
    return result;
  }

  /** [sandbox id, ms the current entry has been running, its limit], when one runs */
  busy(now: number): [number, number, number] | undefined {
    const running = this.running;
    return running ? [this.sid, Math.max(0, now - running.startedAt), running.timeoutMs] : undefined;
  }

  /** the isolate of `generation` died of its memory limit: every pending run of the flow fails */
  lost(generation: number): void {
    if (generation !== this.generation || this.isolate === undefined) return;
    this.isolate = undefined;
    const line = failureLine('SCRIPT_MEMORY', `script exceeded memory limit of ${this.memoryMb} MB`);
    for (const script of this.scripts.values()) script.abandon(line);
    this.link.push({ t: 'lost', sid: this.sid });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const script of this.scripts.values()) script.release();
    this.scripts.clear();
    if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
    this.isolate = undefined;
  }
}
