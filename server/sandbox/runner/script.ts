/**
 * One script inside a runner: its context in the flow's isolate, its batches, and the runs
 * that wait on timers. What the in-isolate code answers is checked here before it goes to the
 * server, and every loop makes progress: each pass over a batch either ends at least one
 * message or fails one.
 */
import ivm from 'isolated-vm';
import { BOOTSTRAP_SOURCE, Entry, LocalOp } from '../bootstrap.ts';
import { ScriptError, type ScriptErrorCode } from '../errors.ts';
import { failureLine, packLines } from '../outcome.ts';
import { checkBodyIsolatedAsync, compileSourceAsync, COMPILE_TIMEOUT_MS, prepareSource, type ScriptSource } from '../source.ts';
import type { Mark, RunnerSandbox } from './sandbox.ts';
import { errorMessage } from '../../../core/guards.ts';

/** the start window of one isolate entry of a batch (see bootstrap.ts) */
const BATCH_SLICE_MS = 2;
/** pending timers per run */
const MAX_TIMERS = 100;
/** characters of outcome lines per frame: a batch with big results goes out in parts */
const LINES_FRAME_CHARS = 1024 * 1024;

type EntryFn = (kind: number, a?: number, b?: string | number, c?: number, d?: number) => string | undefined;

interface Binding {
  generation: number;
  isolate: ivm.Isolate;
  context: ivm.Context;
  entry: ivm.Reference<EntryFn>;
  /** the first run of the batch whose messages the context holds (RESUME continues it) */
  loaded: number;
}

/** a run that waits (its body returned a pending promise) or holds timers */
interface RunRecord {
  token: number;
  deadline: number;
  timeoutMs: number;
  pending: boolean;
  timers: Map<number, NodeJS.Timeout>;
  watchdog?: NodeJS.Timeout;
}

/** the pass of a batch the isolate is running: runs `first + from` … `first + count - 1` */
interface Batch { first: number; count: number; timeoutMs: number; startedAt: number; from: number }

interface Step { lines: string[]; failure?: { code: ScriptErrorCode; message: string }; generation: number }

export class RunnerScript {
  private readonly source: ScriptSource;
  private binding: Binding | undefined;
  private readonly runs = new Map<number, RunRecord>();
  /** outcomes settled by a batch's own microtasks, before the batch's lines came back */
  private readonly early = new Map<number, string>();
  private batch: Batch | undefined;
  private readonly local: ivm.Callback;
  private readonly remote: ivm.Reference;
  private readonly emit: ivm.Callback;
  private readonly settle: ivm.Callback;
  released = false;

  constructor(private readonly sandbox: RunnerSandbox, readonly scid: number, code: string, readonly name: string) {
    this.source = prepareSource(code, name);
    this.local = new ivm.Callback((token: unknown, op: unknown, id: unknown, ms: unknown) => this.onLocal(token, op, id, ms));
    this.remote = new ivm.Reference((token: unknown, op: unknown, a: unknown, b: unknown) => this.onRemote(token, op, a, b));
    this.emit = new ivm.Callback((token: unknown, level: unknown, text: unknown) => this.onLog(token, level, text), { ignored: true });
    this.settle = new ivm.Callback((token: unknown, line: unknown) => this.onSettle(token, line), { ignored: true });
  }

  /** runs the messages of one batch; their outcomes go to the server as they come */
  async runBatch(first: number, count: number, timeoutMs: number, input: string): Promise<void> {
    let index = 0;
    try {
      while (index < count) {
        const from = index;
        // each pass ends at least one message or fails one: the loop always ends
        index += await this.sandbox.exec((mark) => this.pass(mark, { first, count, timeoutMs, startedAt: 0, from }, input));
      }
    } catch (err) {
      // the runner's own failure: the rest of the batch fails, the runner goes on
      if (index < count) this.send(first, index, repeat(failureLine('SCRIPT_ERROR', `the script runner failed: ${errorMessage(err)}`), count - index));
    } finally {
      for (let token = first; token < first + count; token++) this.early.delete(token);
    }
  }

  /**
   * One isolate entry over the batch from message `from`, and what it ended, sent to the
   * server before any other entry of the isolate runs. Returns how many messages ended.
   */
  private async pass(mark: Mark, batch: Batch, input: string): Promise<number> {
    const { first, count, from } = batch;
    const room = count - from;
    let step: Step;
    try {
      this.batch = batch;
      step = await this.step(mark, batch, input);
      if (step.lines.length > room) {
        // cannot come from the bootstrap; whatever produced it, these runs cannot be trusted
        this.send(first, from, repeat(failureLine('SCRIPT_ERROR', 'the script runner got a malformed answer from the isolate'), room));
        return room;
      }
      const lines = this.outcomes(first + from, step.lines);
      if (step.failure) {
        const { code, message } = step.failure;
        const line = failureLine(code, message);
        // the message that was running when the entry ended takes the blame; after a memory
        // failure or a disposal the rest of the batch fails too
        const blamed = code === 'SCRIPT_TIMEOUT' || code === 'SCRIPT_ERROR' ? 1 : room - lines.length;
        for (let i = 0; i < blamed; i++) {
          const token = first + from + lines.length;
          this.forget(token);
          // a run stopped mid-way never reached its own clean-up in the isolate
          if (code === 'SCRIPT_TIMEOUT' || code === 'SCRIPT_ERROR') this.dropInIsolate(token);
          lines.push(line);
        }
        if (code === 'SCRIPT_MEMORY') this.sandbox.lost(step.generation);
      } else if (lines.length === 0) {
        lines.push(failureLine('SCRIPT_ERROR', 'the script made no progress'));
      }
      this.send(first, from, lines);
      return lines.length;
    } finally {
      this.batch = undefined;
    }
  }

  /** one isolate entry of a batch (and, after a time-limit stop, the lines it left) */
  private async step(mark: Mark, batch: Batch, input: string): Promise<Step> {
    const { first, count, timeoutMs, from } = batch;
    let binding: Binding;
    try {
      binding = await this.bind(mark);
    } catch (err) {
      const failure = err instanceof ScriptError && err.code !== 'SCRIPT_ERROR'
        ? { code: err.code, message: err.message }
        : { code: 'SCRIPT_COMPILE' as const, message: `the script could not be prepared: ${errorMessage(err)}` };
      return { lines: [], failure, generation: 0 };
    }
    const slice = count - from === 1 ? 0 : BATCH_SLICE_MS;
    batch.startedAt = Date.now();
    mark(timeoutMs + slice);
    const args: Parameters<EntryFn> = binding.loaded === first ? [Entry.resume, slice, from] : [Entry.batch, slice, input, first, from];
    let out: unknown;
    try {
      out = await binding.entry.apply(undefined, args, { timeout: timeoutMs + slice });
      binding.loaded = first;
    } catch (err) {
      const failure = this.failure(err, binding, timeoutMs);
      if (failure.code !== 'SCRIPT_TIMEOUT') return { lines: [], failure, generation: binding.generation };
      binding.loaded = first;
      mark(COMPILE_TIMEOUT_MS);
      try {
        out = await binding.entry.apply(undefined, [Entry.collect], { timeout: COMPILE_TIMEOUT_MS });
      } catch {
        out = '';
      }
      return { lines: splitLines(out), failure, generation: binding.generation };
    }
    return { lines: splitLines(out), generation: binding.generation };
  }

  /** 'p' lines become waiting runs (or their early outcome); runs that ended lose their timers */
  private outcomes(firstToken: number, lines: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const token = firstToken + i;
      let line = lines[i]!;
      if (line.length === 0) line = failureLine('SCRIPT_ERROR', 'the script runner got a malformed answer from the isolate');
      if (line === 'p') {
        const early = this.early.get(token);
        if (early !== undefined) {
          this.early.delete(token);
          line = early;
        } else {
          this.wait(token);
          out.push(line);
          continue;
        }
      }
      this.forget(token);
      out.push(line);
    }
    return out;
  }

  private wait(token: number): void {
    const record = this.record(token);
    if (record === undefined) return;
    record.pending = true;
    record.watchdog = setTimeout(() => this.failPending(token, timeoutLine(record.timeoutMs)), Math.max(0, record.deadline - Date.now()));
  }

  /** the record of a live run: a waiting one, or one of the batch the isolate is running */
  private record(token: number): RunRecord | undefined {
    const known = this.runs.get(token);
    if (known !== undefined) return known;
    const batch = this.batch;
    if (batch === undefined || token < batch.first + batch.from || token >= batch.first + batch.count) return undefined;
    const record: RunRecord = { token, deadline: batch.startedAt + batch.timeoutMs, timeoutMs: batch.timeoutMs, pending: false, timers: new Map() };
    this.runs.set(token, record);
    return record;
  }

  private forget(token: number): RunRecord | undefined {
    const record = this.runs.get(token);
    if (record === undefined) return undefined;
    this.runs.delete(token);
    for (const handle of record.timers.values()) clearTimeout(handle);
    record.timers.clear();
    if (record.watchdog) clearTimeout(record.watchdog);
    return record;
  }

  /** a waiting run ends here (time limit, timer failure, memory): the server hears it once */
  private failPending(token: number, line: string): void {
    const record = this.runs.get(token);
    if (record === undefined || !record.pending) return;
    this.forget(token);
    this.sandbox.link.push({ t: 'settle', token, line }, line.length);
    this.dropInIsolate(token);
  }

  /** the server cancelled a waiting run */
  cancel(token: number): void {
    if (this.forget(token) !== undefined) this.dropInIsolate(token);
  }

  private dropInIsolate(token: number): void {
    const binding = this.binding;
    if (binding === undefined || binding.isolate.isDisposed) return;
    this.sandbox.exec(async (mark) => {
      if (binding !== this.binding || binding.isolate.isDisposed) return;
      mark(COMPILE_TIMEOUT_MS);
      await binding.entry.apply(undefined, [Entry.drop, token], { timeout: COMPILE_TIMEOUT_MS });
    }).catch(() => {
      // the isolate went away in between: nothing left to forget
    });
  }

  /** every waiting run fails with `line` (the isolate died, or the script is going away) */
  abandon(line: string): void {
    this.binding = undefined;
    for (const record of [...this.runs.values()]) {
      if (record.pending) {
        this.forget(record.token);
        this.sandbox.link.push({ t: 'settle', token: record.token, line }, line.length);
      }
    }
    this.early.clear();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const token of [...this.runs.keys()]) this.forget(token);
    this.early.clear();
    const binding = this.binding;
    this.binding = undefined;
    if (binding && !binding.isolate.isDisposed) {
      binding.entry.release();
      binding.context.release();
    }
  }

  // --- calls from inside the isolate ---------------------------------------------------------

  private onLocal(token: unknown, op: unknown, id: unknown, ms: unknown): void {
    if (typeof token !== 'number' || typeof id !== 'number') throw hostError(TypeError, 'bad sandbox call');
    if (op === LocalOp.timerClear) {
      const record = this.runs.get(token);
      const handle = record?.timers.get(id);
      if (handle !== undefined) clearTimeout(handle);
      record?.timers.delete(id);
      return;
    }
    if (op !== LocalOp.timerSet) throw hostError(Error, 'unknown sandbox call');
    const record = this.record(token);
    if (record === undefined) throw hostError(Error, 'this run of the script has already ended');
    if (record.timers.size >= MAX_TIMERS) throw hostError(RangeError, `a run may have at most ${MAX_TIMERS} pending timers`);
    // a timer past the deadline never fires: the run's time limit ends it first
    const delay = Math.min(Math.max(0, typeof ms === 'number' && Number.isFinite(ms) ? ms : 0), record.timeoutMs + 1);
    record.timers.set(id, setTimeout(() => this.fire(token, id), delay));
  }

  private onRemote(token: unknown, op: unknown, a: unknown, b: unknown): Promise<string | undefined> {
    if (typeof token !== 'number' || typeof op !== 'string' || (a !== undefined && typeof a !== 'string') || (b !== undefined && typeof b !== 'string')) {
      return Promise.reject(hostError(TypeError, 'bad sandbox call'));
    }
    if (this.record(token) === undefined) return Promise.reject(hostError(Error, 'this run of the script has already ended'));
    return this.sandbox.link.call(token, op, a, b);
  }

  private onLog(token: unknown, level: unknown, text: unknown): void {
    if (typeof token !== 'number' || typeof level !== 'number' || typeof text !== 'string') return;
    if (level < 0 || level > 3 || text.length > this.sandbox.limits.logLineChars + 200) return;
    this.sandbox.link.log(token, level, text);
  }

  private onSettle(token: unknown, line: unknown): void {
    if (typeof token !== 'number' || typeof line !== 'string' || line.length === 0 || line === 'p') return;
    const record = this.runs.get(token);
    if (record?.pending) {
      this.forget(token);
      this.sandbox.link.push({ t: 'settle', token, line }, line.length);
      return;
    }
    const batch = this.batch;
    if (batch !== undefined && token >= batch.first + batch.from && token < batch.first + batch.count) this.early.set(token, line);
  }

  private fire(token: number, id: number): void {
    const record = this.runs.get(token);
    if (record === undefined) return;
    record.timers.delete(id);
    const remaining = record.deadline - Date.now();
    if (remaining <= 0) return this.failPending(token, timeoutLine(record.timeoutMs));
    this.sandbox.exec(async (mark) => {
      if (!this.runs.has(token)) return;
      const binding = this.binding;
      if (binding === undefined || binding.isolate.isDisposed) return;
      const left = record.deadline - Date.now();
      if (left <= 0) return this.failPending(token, timeoutLine(record.timeoutMs));
      mark(left);
      try {
        await binding.entry.apply(undefined, [Entry.fire, id], { timeout: left });
      } catch (err) {
        const failure = this.failure(err, binding, record.timeoutMs);
        if (failure.code === 'SCRIPT_MEMORY') this.sandbox.lost(binding.generation);
        else this.failPending(token, failureLine(failure.code, failure.message));
      }
    }).catch((err: unknown) => this.failPending(token, failureLine('SCRIPT_ERROR', `the script runner failed: ${errorMessage(err)}`)));
  }

  // --- the isolate ---------------------------------------------------------------------------

  /** the context of the live isolate; a new isolate (after a memory failure) gets a new context */
  private async bind(mark: Mark): Promise<Binding> {
    if (this.released || this.sandbox.closed) throw new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
    const { isolate, generation } = this.sandbox.current();
    const current = this.binding;
    if (current !== undefined && current.generation === generation && !isolate.isDisposed) return current;
    this.binding = undefined;
    mark(COMPILE_TIMEOUT_MS);
    const script = await compileSourceAsync(isolate, this.source);
    const context = await isolate.createContext();
    try {
      await checkBodyIsolatedAsync(context, this.source);
      const fn = (await script.run(context, { reference: true, timeout: COMPILE_TIMEOUT_MS })) as ivm.Reference;
      const entry = (await context.evalClosure(
        BOOTSTRAP_SOURCE,
        [fn.derefInto({ release: true }), this.local, this.remote, this.emit, this.settle, JSON.stringify(this.sandbox.limits)],
        { result: { reference: true }, timeout: COMPILE_TIMEOUT_MS },
      )) as ivm.Reference<EntryFn>;
      const binding: Binding = { generation, isolate, context, entry, loaded: -1 };
      if (!this.released) this.binding = binding;
      return binding;
    } catch (err) {
      context.release();
      throw err;
    } finally {
      script.release();
    }
  }

  /** what an isolate entry threw (time limit, memory limit, disposal) as a code and message */
  private failure(err: unknown, binding: Binding, timeoutMs: number): { code: ScriptErrorCode; message: string } {
    if (binding.isolate.isDisposed) {
      if (this.sandbox.closed || this.released) return { code: 'SCRIPT_DISPOSED', message: 'the script sandbox was disposed' };
      return { code: 'SCRIPT_MEMORY', message: `script exceeded memory limit of ${this.sandbox.memoryMb} MB` };
    }
    const message = errorMessage(err);
    if (/timed out/i.test(message)) return { code: 'SCRIPT_TIMEOUT', message: `script timed out after ${timeoutMs} ms` };
    return { code: 'SCRIPT_ERROR', message };
  }

  private send(first: number, index: number, lines: string[]): void {
    // big outcomes go out in several frames, so no single IPC message is huge
    let from = 0;
    let chars = 0;
    for (let i = 0; i < lines.length; i++) {
      chars += lines[i]!.length;
      if (chars >= LINES_FRAME_CHARS || i === lines.length - 1) {
        const { kinds, values } = packLines(from === 0 && i === lines.length - 1 ? lines : lines.slice(from, i + 1));
        this.sandbox.link.push({ t: 'lines', first, index: index + from, kinds, values }, chars);
        from = i + 1;
        chars = 0;
      }
    }
  }
}

function splitLines(out: unknown): string[] {
  if (typeof out !== 'string') return typeof out === 'undefined' ? [] : ['x' + JSON.stringify(['SCRIPT_ERROR', 'the script runner got a malformed answer from the isolate'])];
  return out === '' ? [] : out.split('\n');
}

function repeat(line: string, count: number): string[] {
  return Array.from({ length: count }, () => line);
}

function timeoutLine(timeoutMs: number): string {
  return failureLine('SCRIPT_TIMEOUT', `script timed out after ${timeoutMs} ms`);
}


/** errors thrown into the isolate carry no host stack (it names the runner's files) */
function hostError(Type: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor, message: string): Error {
  const error = new Type(message);
  error.stack = `${error.name}: ${message}`;
  return error;
}
