/**
 * One compiled user script as the server sees it: runs are queued, and the messages that
 * arrive in the same tick go to the flow's runner as one batch (one IPC message, one isolate
 * entry, one time-limit timer) — what makes many small messages fast. The runner process
 * answers each run; see runner-process.ts for what happens with the answers.
 */
import type { Logger } from '../../core/logger.ts';
import { ScriptError } from './errors.ts';
import { formatSize } from './outcome.ts';
import { clampTimeout, messageJson, type Slot, type SlotOwner } from './run-slot.ts';
import type { ScriptSource } from './source.ts';
import type { CompiledScript, RunOptions, SandboxLimits } from './types.ts';
import type { RunnerProcess } from './runner-process.ts';

/** batching: messages per batch, JSON characters per batch */
const MAX_BATCH = 256;
const MAX_BATCH_CHARS = 1 << 20;

/** What a script needs from the sandbox that owns it. */
export interface ScriptHost {
  readonly sid: number;
  readonly log: Logger | undefined;
  readonly limits: SandboxLimits;
  readonly disposed: boolean;
  /** the flow's live runner, with this sandbox and its scripts registered */
  attach(): RunnerProcess;
  /** the runner this sandbox is registered in, if it is alive */
  current(): RunnerProcess | undefined;
  forget(script: SandboxScript): void;
}

let nextScript = 1;

export class SandboxScript implements CompiledScript, SlotOwner {
  readonly scid = nextScript++;
  readonly async: boolean;
  private readonly queue: Slot[] = [];
  private queuedChars = 0;
  private released = false;

  constructor(private readonly host: ScriptHost, readonly source: ScriptSource, readonly name: string) {
    this.async = source.async;
  }

  get sid(): number {
    return this.host.sid;
  }

  get fallbackLog(): Logger | undefined {
    return this.host.log;
  }

  get limits(): SandboxLimits {
    return this.host.limits;
  }

  run(msg: unknown, options: RunOptions = {}): Promise<unknown> {
    let json: string;
    try {
      if (this.released) throw new ScriptError('the script was released', 'SCRIPT_DISPOSED');
      if (this.host.disposed) throw new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
      json = messageJson(msg);
      const limit = this.host.limits.messageBytes;
      if (json.length > limit) {
        throw new ScriptError(`the message is ${formatSize(json.length)} of JSON, above the script message limit of ${formatSize(limit)}`, 'SCRIPT_DATA');
      }
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = clampTimeout(options.timeoutMs);
    return new Promise<unknown>((resolve, reject) => {
      const slot: Slot = { token: 0, owner: this, options, timeoutMs, done: false, waiter: { resolve, reject }, json };
      if (this.queue.length > 0 && (this.queue[0]!.timeoutMs !== timeoutMs || this.queuedChars + json.length > MAX_BATCH_CHARS)) {
        this.flush();
      }
      this.queue.push(slot);
      this.queuedChars += json.length;
      // Messages that arrive in the same tick go in one batch (flushed by a microtask). Each
      // run brings its own state/flow/log, so nothing depends on the caller's async context.
      if (this.queue.length >= MAX_BATCH) this.flush();
      else if (this.queue.length === 1) queueMicrotask(this.flushQueued);
    });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const error = new ScriptError('the script was released', 'SCRIPT_DISPOSED');
    this.abandon(error);
    this.host.forget(this);
  }

  /** fails every run of this script that has not ended */
  abandon(error: ScriptError): void {
    const queued = this.queue.splice(0);
    this.queuedChars = 0;
    for (const slot of queued) fail(slot, error);
    this.host.current()?.failWhere((slot) => slot.owner === this, error);
  }

  private readonly flushQueued = (): void => this.flush();

  private flush(): void {
    if (this.queue.length === 0) return;
    const items = this.queue.splice(0);
    this.queuedChars = 0;
    let runner: RunnerProcess;
    try {
      runner = this.host.attach();
    } catch (err) {
      const error = err instanceof ScriptError ? err : new ScriptError(`the script runner could not be started: ${String(err)}`, 'SCRIPT_RUNNER_LOST');
      for (const slot of items) fail(slot, error);
      return;
    }
    runner.startBatch(items, items[0]!.timeoutMs);
  }
}

function fail(slot: Slot, error: ScriptError): void {
  if (slot.done) return;
  slot.done = true;
  slot.waiter.reject(error);
}
