/**
 * One compiled user script: its own context in the flow's isolate, and the host side of
 * its runs (JSON in, JSON out, ctx calls, timers and the time limit of async runs).
 */
import ivm from 'isolated-vm';
import { BOOTSTRAP_SOURCE, Entry } from './bootstrap.ts';
import { ScriptError, userError, type ThrownInfo } from './errors.ts';
import { hostCall, type HostCallEnv } from './host-calls.ts';
import { clampTimeout, messageJson, timeoutError, type Binding, type EntryFn, type Slot } from './run-slot.ts';
import { checkBodyIsolated, compileSource, COMPILE_TIMEOUT_MS, prepareSource, type ScriptSource } from './source.ts';
import type { CompiledScript, IsolateHost, RunOptions } from './types.ts';

/** batching: messages per entry, JSON characters per entry, and the start window of an entry */
const MAX_BATCH = 256;
const MAX_BATCH_CHARS = 1 << 20;
const BATCH_SLICE_MS = 2;

export class IsolateScript implements CompiledScript {
  readonly name: string;
  readonly async: boolean;
  private readonly source: ScriptSource;
  private readonly slots = new Map<number, Slot>();
  private readonly hostCallback: ivm.Callback;
  private readonly settleCallback: ivm.Callback;
  private binding: Binding | undefined;
  private compiled: { generation: number; script: ivm.Script } | undefined;
  private readonly queue: Slot[] = [];
  private queuedChars = 0;
  private nextToken = 1;
  private released = false;

  constructor(private readonly host: IsolateHost, code: string, name: string) {
    this.name = name;
    this.source = prepareSource(code, name);
    this.async = this.source.async;
    const env: HostCallEnv = { name, memoryMb: host.memoryMb, fallbackLog: host.log, fire: (slot, id) => this.fire(slot, id) };
    this.hostCallback = new ivm.Callback((token: unknown, op: unknown, a: unknown, b: unknown) =>
      hostCall(env, typeof token === 'number' ? this.slots.get(token) : undefined, op, a, b));
    this.settleCallback = new ivm.Callback((token: unknown, encoded: unknown) => this.onSettle(token, encoded));
    this.binding = this.bind(true);
  }

  run(msg: unknown, options: RunOptions = {}): Promise<unknown> {
    let json: string;
    try {
      if (this.released) throw new ScriptError('the script was released', 'SCRIPT_DISPOSED');
      json = messageJson(msg);
    } catch (err) {
      return Promise.reject(err);
    }
    const timeoutMs = clampTimeout(options.timeoutMs);
    return new Promise<unknown>((resolve, reject) => {
      const slot: Slot = {
        token: this.nextToken++,
        options,
        timeoutMs,
        deadline: 0,
        done: false,
        waiter: { resolve, reject },
        budget: this.host.memoryMb * 1024 * 1024,
        logLines: 0,
        json,
      };
      if (this.queue.length > 0 && (this.queue[0]!.timeoutMs !== timeoutMs || this.queuedChars + json.length > MAX_BATCH_CHARS)) {
        this.flush();
      }
      this.queue.push(slot);
      this.queuedChars += json.length;
      // Messages that arrive in the same tick run in one batch (flushed by a microtask). Each
      // run brings its own state/flow/log, so nothing depends on the caller's async context.
      if (this.queue.length >= MAX_BATCH) this.flush();
      else if (this.queue.length === 1) queueMicrotask(this.flushQueued);
    });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.abandon(new ScriptError('the script was released', 'SCRIPT_DISPOSED'));
    this.host.forget(this);
    this.binding?.context.release();
    this.binding = undefined;
    this.compiled?.script.release();
    this.compiled = undefined;
  }

  /** fails every pending run (the isolate died or is being disposed) */
  abandon(error: ScriptError): void {
    const queued = this.queue.splice(0);
    this.queuedChars = 0;
    for (const slot of queued) this.fail(slot, error);
    for (const slot of [...this.slots.values()]) this.fail(slot, error);
  }

  private readonly flushQueued = (): void => this.flush();

  /**
   * Runs every queued message in as few isolate entries as possible: one entry (and one time
   * limit timer) per batch instead of per message is what makes many small messages fast.
   */
  private flush(): void {
    while (this.queue.length > 0) {
      const items = this.queue.splice(0);
      this.queuedChars = 0;
      let binding: Binding;
      try {
        binding = this.bind(false);
      } catch (err) {
        const error = err instanceof ScriptError ? err : new ScriptError(String(err), 'SCRIPT_ERROR');
        for (const slot of items) this.fail(slot, error);
        continue;
      }
      const started = Date.now();
      let input = '[';
      for (let i = 0; i < items.length; i++) {
        const slot = items[i]!;
        slot.binding = binding;
        slot.deadline = started + slot.timeoutMs;
        this.slots.set(slot.token, slot);
        input += (i === 0 ? '[' : ',[') + slot.token + ',' + slot.json + ']';
      }
      input += ']';
      const timeoutMs = items[0]!.timeoutMs;
      // A message starts at most BATCH_SLICE_MS into its batch; the entry's limit grows by as
      // much, so no message ever gets less than its own timeoutMs.
      const slice = items.length === 1 ? 0 : BATCH_SLICE_MS;
      let out: string | undefined;
      let failure: ScriptError | undefined;
      try {
        out = binding.entry.applySync(undefined, [Entry.batch, slice, input], { timeout: timeoutMs + slice });
      } catch (err) {
        failure = this.failure(err, binding, timeoutMs);
        if (failure.code === 'SCRIPT_TIMEOUT') out = this.collect(binding);
      }
      const lines = out ? out.split('\n') : [];
      for (let i = 0; i < lines.length; i++) this.complete(items[i]!, lines[i]!);
      if (lines.length === items.length) continue;
      if (failure) {
        // the message that was running when the entry ended takes the blame; the rest run again
        this.fail(items[lines.length]!, failure);
        if (failure.code === 'SCRIPT_MEMORY' || failure.code === 'SCRIPT_DISPOSED') continue;
        this.requeue(items.slice(lines.length + 1));
      } else {
        this.requeue(items.slice(lines.length));
      }
    }
  }

  private requeue(items: Slot[]): void {
    for (const slot of items) {
      this.slots.delete(slot.token);
      if (!slot.done) this.queue.push(slot);
    }
  }

  private collect(binding: Binding): string | undefined {
    try {
      return binding.entry.applySync(undefined, [Entry.collect], { timeout: COMPILE_TIMEOUT_MS });
    } catch {
      return undefined;
    }
  }

  /** one line of a batch: a value, undefined, an error, or 'p' (a promise still pending) */
  private complete(slot: Slot, line: string): void {
    if (slot.done) return;
    if (line === 'p') {
      if (slot.early !== undefined) this.settle(slot, slot.early);
      else this.wait(slot);
      return;
    }
    this.settle(slot, line);
  }

  /** the body returned a promise that microtasks did not settle: wait for timers, within the deadline */
  private wait(slot: Slot): void {
    slot.pending = true;
    slot.watchdog = setTimeout(() => this.fail(slot, timeoutError(slot.timeoutMs)), Math.max(0, slot.deadline - Date.now()));
    const given = slot.options.signal;
    const signal = typeof given === 'function' ? given() : given;
    if (signal) {
      const onAbort = (): void => this.fail(slot, new ScriptError('the run was cancelled', 'SCRIPT_DISPOSED'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      slot.unlisten = () => signal.removeEventListener('abort', onAbort);
    }
  }

  private onSettle(token: unknown, encoded: unknown): void {
    const slot = typeof token === 'number' ? this.slots.get(token) : undefined;
    if (slot === undefined || slot.done || typeof encoded !== 'string') return;
    if (!slot.pending) slot.early = encoded; // settled by microtasks of its own batch entry
    else this.settle(slot, encoded);
  }

  private settle(slot: Slot, encoded: string): void {
    const { resolve, reject } = slot.waiter;
    this.finish(slot);
    let value: unknown;
    try {
      value = this.decode(encoded);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    resolve(value);
  }

  private fail(slot: Slot, error: ScriptError): void {
    if (slot.done) return;
    this.finish(slot);
    slot.waiter.reject(error);
  }

  private finish(slot: Slot): void {
    if (slot.done) return;
    slot.done = true;
    slot.json = '';
    this.slots.delete(slot.token);
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.unlisten?.();
    if (slot.timers && slot.timers.size > 0) {
      for (const handle of slot.timers.values()) clearTimeout(handle);
      slot.timers.clear();
      // may be called from inside the isolate (settle): forget its timers on a later turn
      setImmediate(() => this.dropTimers(slot));
    }
  }

  private dropTimers(slot: Slot): void {
    const binding = slot.binding;
    if (binding === undefined || binding !== this.binding || binding.isolate.isDisposed) return;
    try {
      binding.entry.applySync(undefined, [Entry.drop, slot.token], { timeout: COMPILE_TIMEOUT_MS });
    } catch {
      // the isolate went away in between: nothing left to forget
    }
  }

  private fire(slot: Slot, id: number): void {
    slot.timers?.delete(id);
    if (slot.done) return;
    const remaining = slot.deadline - Date.now();
    if (remaining <= 0) return this.fail(slot, timeoutError(slot.timeoutMs));
    const binding = slot.binding;
    if (binding === undefined) return;
    try {
      binding.entry.applySync(undefined, [Entry.fire, id], { timeout: remaining });
    } catch (err) {
      this.fail(slot, this.failure(err, binding, slot.timeoutMs));
    }
  }

  private decode(out: string | undefined): unknown {
    if (out === undefined || out === 'u') return undefined;
    if (out.charCodeAt(0) === 101 /* e */) {
      throw userError(JSON.parse(out.slice(1)) as ThrownInfo, this.source.filename, this.source.lineCount);
    }
    return JSON.parse(out);
  }

  /** turns what applySync threw (time limit, memory limit, disposal) into a ScriptError */
  private failure(err: unknown, binding: Binding, timeoutMs: number): ScriptError {
    if (err instanceof ScriptError) return err;
    if (binding.isolate.isDisposed) {
      if (this.host.disposed || this.released) return new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
      return this.host.lost(binding.generation);
    }
    const message = err instanceof Error ? err.message : String(err);
    if (/timed out/i.test(message)) return timeoutError(timeoutMs);
    return new ScriptError(message, 'SCRIPT_ERROR');
  }

  /** the context of the live isolate; a new isolate (after a memory failure) gets a new context */
  private bind(first: boolean): Binding {
    if (this.released) throw new ScriptError('the script was released', 'SCRIPT_DISPOSED');
    const { isolate, generation } = this.host.current();
    const current = this.binding;
    if (current !== undefined && current.generation === generation && !isolate.isDisposed) return current;
    if (this.compiled === undefined || this.compiled.generation !== generation) {
      this.compiled = { generation, script: compileSource(isolate, this.source) };
    }
    const context = isolate.createContextSync();
    try {
      if (first) checkBodyIsolated(context, this.source);
      const fn = this.compiled.script.runSync(context, { reference: true, timeout: COMPILE_TIMEOUT_MS });
      const entry = context.evalClosureSync(
        BOOTSTRAP_SOURCE,
        [fn.derefInto({ release: true }), this.hostCallback, this.settleCallback],
        { result: { reference: true }, timeout: COMPILE_TIMEOUT_MS },
      ) as ivm.Reference<EntryFn>;
      this.binding = { generation, isolate, context, entry };
      return this.binding;
    } catch (err) {
      context.release();
      throw err instanceof ScriptError ? err : new ScriptError(
        `the script could not be prepared: ${err instanceof Error ? err.message : String(err)}`, 'SCRIPT_COMPILE');
    }
  }
}
