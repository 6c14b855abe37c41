/**
 * The server's handle on one script runner (a child process): it sends batches, receives
 * outcomes, answers host calls, and supervises. It keeps every run it handed to the runner;
 * when the runner stops answering pings, keeps a script running past its time limit and grace,
 * or exits (crash, OOM, signal), it is killed and only those runs fail, each with
 * SCRIPT_RUNNER_LOST. Nothing a runner sends is trusted before it is checked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from '../../core/logger.ts';
import { ScriptError } from './errors.ts';
import { HOST_OPS, logLine } from './host-calls.ts';
import { decodeLine, unpackOutcome, type Outcome } from './outcome.ts';
import { checkFromRunner, type FromRunner, type ToRunner } from './protocol.ts';
import { timeoutError, type Slot } from './run-slot.ts';
import { FrameReader, FrameWriter } from './wire.ts';
import { errorMessage, toError } from '../../core/guards.ts';

/** how often the supervisor looks (and pings) */
const TICK_MS = 500;
/** a ping must be answered within this */
const PONG_TIMEOUT_MS = 3000;
/** a script may overrun its time limit by this much before its runner counts as hung */
export const GRACE_MS = 1500;
/** a runner must say it is ready within this (tsx compiles it on the fly in development) */
const START_TIMEOUT_MS = 30_000;
/** a tick's frames are written early once they hold this many characters */
const FLUSH_CHARS = 1024 * 1024;
/** runner output copied into the server log: characters per line, lines per window */
const OUTPUT_LINE_CHARS = 2000;
const OUTPUT_LINES_PER_WINDOW = 50;
const OUTPUT_WINDOW_MS = 10_000;

export interface RunnerSpawn {
  /** the runner's entry file */
  entry: string;
  execArgv: string[];
  log: Logger;
  /** stop the runner after this long without a run (0: never); the pool starts a new one on use */
  idleMs?: number;
}

/** A sandbox registered in a runner: told when its isolate died of its memory limit. */
export interface RunnerTenant {
  readonly sid: number;
  onMemoryLost(): void;
}

export class RunnerProcess {
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly writer: FrameWriter;
  private readonly channel: Socket;
  private readonly log: Logger;
  /** runs handed to this runner and not ended yet, by token */
  private readonly runs = new Map<number, Slot>();
  /** the slots of each batch in flight, by the token of its first run */
  private readonly batches = new Map<number, { slots: Slot[]; left: number }>();
  private readonly pending = new Set<Slot>();
  readonly tenants = new Map<number, RunnerTenant>();
  private out: ToRunner[] = [];
  private outChars = 0;
  private flushScheduled = false;
  private readonly ticker: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private ready = false;
  private pingSeq = 0;
  private pingSentAt = 0;
  private lastTick = Date.now();
  private stopped: string | undefined;
  private readonly idleMs: number;
  /** when the last run in flight ended (or the runner started) */
  private idleSince = Date.now();
  /** called once when the runner is gone, with why */
  onStop: ((runner: RunnerProcess, reason: string, failed: number) => void) | undefined;

  constructor(options: RunnerSpawn) {
    this.log = options.log;
    this.idleMs = options.idleMs ?? 0;
    // frames travel over the child's fd 3 (wire.ts); stdout/stderr go to the log
    this.child = spawn(process.execPath, [...options.execArgv, options.entry], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, TRIBUTARY_SCRIPT_RUNNER: '1' },
    });
    this.pid = this.child.pid ?? 0;
    this.channel = this.child.stdio[3] as Socket;
    this.writer = new FrameWriter(this.channel);
    const reader = new FrameReader((frame) => this.receive(frame));
    this.channel.on('data', (chunk: Buffer) => {
      if (!this.alive) return;
      try {
        reader.push(chunk);
      } catch (err) {
        this.kill(`it sent a malformed frame (${errorMessage(err)})`);
      }
    });
    this.channel.on('error', (err) => this.channelLost(`it could not be reached: ${err.message}`));
    this.channel.on('close', () => this.channelLost('its channel closed'));
    this.child.on('exit', (code, signal) => this.stop(signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`));
    this.child.on('error', (err) => {
      this.kill(`it could not be started or reached: ${err.message}`);
    });
    // the server may exit while a runner is idle; a run in flight keeps it alive (the ticker)
    this.child.unref();
    this.channel.unref();
    captureOutput(this.child.stdout, this.pid, this.log);
    captureOutput(this.child.stderr, this.pid, this.log);
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    this.ticker.unref();
  }

  get alive(): boolean {
    return this.stopped === undefined;
  }

  /** it said it was ready (a runner that dies before that could not start) */
  get started(): boolean {
    return this.ready;
  }

  /** ms since it was spawned */
  get age(): number {
    return Date.now() - this.startedAt;
  }

  /** runs in flight */
  get running(): number {
    return this.runs.size;
  }

  send(frame: ToRunner, chars = 0): void {
    if (!this.alive) return;
    this.out.push(frame);
    this.outChars += chars;
    if (this.outChars >= FLUSH_CHARS) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushLater);
    }
  }

  private readonly flushLater = (): void => this.flush();

  private flush(): void {
    this.flushScheduled = false;
    if (this.out.length === 0 || !this.alive || this.channel.destroyed) {
      this.out = [];
      this.outChars = 0;
      return;
    }
    const frames = this.out;
    this.out = [];
    this.outChars = 0;
    // one write for the tick's frames
    this.channel.cork();
    try {
      for (const frame of frames) this.writer.write(frame);
    } finally {
      this.channel.uncork();
    }
  }

  /** hands a batch of runs (their messages already JSON) to the runner */
  startBatch(slots: Slot[], timeoutMs: number): void {
    const owner = slots[0]!.owner;
    // tokens are unique in the server process and consecutive within a batch
    const first = nextToken;
    nextToken += slots.length;
    // joined, not concatenated: a flat string is much cheaper to serialize than a rope
    const parts = new Array<string>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      slot.token = first + i;
      this.runs.set(slot.token, slot);
      parts[i] = slot.json;
      slot.json = '';
    }
    const input = `[${parts.join(',')}]`;
    this.batches.set(first, { slots, left: slots.length });
    if (this.runs.size === slots.length) this.ticker.ref();
    this.send({ t: 'batch', sid: owner.sid, scid: owner.scid, first, count: slots.length, timeoutMs, input }, input.length);
  }

  /** fails every run of one script (released) or of one sandbox (disposed) */
  failWhere(match: (slot: Slot) => boolean, error: ScriptError): void {
    for (const slot of [...this.runs.values()]) if (match(slot)) this.fail(slot, error);
  }

  /**
   * The channel broke. A runner that died says why through its exit, which usually comes a
   * moment later: wait for it briefly, so the runs fail with the real reason (a signal, an
   * exit code), then kill.
   */
  private channelLost(reason: string): void {
    if (!this.alive) return;
    setTimeout(() => this.kill(reason), 300).unref();
  }

  /** SIGKILL, and every run it held fails with `reason` */
  kill(reason: string): void {
    if (!this.alive) return;
    try {
      this.child.kill('SIGKILL');
    } catch {
      // already gone
    }
    this.stop(reason);
  }

  private stop(reason: string): void {
    if (this.stopped !== undefined) return;
    this.stopped = reason;
    clearInterval(this.ticker);
    this.out = [];
    const failed = this.runs.size;
    const error = new ScriptError(`the script runner stopped (${reason}) while this run was in it`, 'SCRIPT_RUNNER_LOST');
    for (const slot of [...this.runs.values()]) this.fail(slot, error);
    this.batches.clear();
    this.pending.clear();
    this.channel.destroy();
    this.onStop?.(this, reason, failed);
  }

  // --- supervision ---------------------------------------------------------------------------

  private tick(): void {
    const now = Date.now();
    // when the server's own thread was held up, the answers it waits for may be sitting unread
    // in the channel: start over rather than blame the runner
    const late = now - this.lastTick > TICK_MS * 3;
    this.lastTick = now;
    if (late) {
      this.pingSentAt = 0;
      return;
    }
    if (!this.ready) {
      if (now - this.startedAt > START_TIMEOUT_MS) this.kill(`it did not start within ${START_TIMEOUT_MS / 1000} s`);
      return;
    }
    if (this.idleMs > 0 && this.runs.size === 0 && now - this.idleSince > this.idleMs) {
      // an idle runner holds ~50 MB for nothing; the pool starts a fresh one on the next run
      this.kill(RUNNER_IDLE);
      return;
    }
    if (this.pingSentAt !== 0) {
      if (now - this.pingSentAt > PONG_TIMEOUT_MS) this.kill(`it did not answer for ${PONG_TIMEOUT_MS / 1000} s`);
      return;
    }
    for (const slot of this.pending) {
      if (slot.deadline !== undefined && now > slot.deadline + GRACE_MS) {
        // the runner should have ended it at its time limit
        this.fail(slot, timeoutError(slot.timeoutMs));
      }
    }
    this.pingSentAt = now;
    this.send({ t: 'ping', seq: ++this.pingSeq });
    this.flush();
  }

  private onPong(seq: number, busy: [number, number, number][]): void {
    if (seq !== this.pingSeq) return;
    this.pingSentAt = 0;
    for (const [sid, runningMs, timeoutMs] of busy) {
      if (runningMs > timeoutMs + GRACE_MS) {
        this.kill(`a script of sandbox ${sid} ran ${runningMs} ms, past its time limit of ${timeoutMs} ms, and could not be stopped`);
        return;
      }
    }
  }

  // --- what the runner says ------------------------------------------------------------------

  private receive(raw: unknown): void {
    if (!this.alive) return;
    const frame = checkFromRunner(raw);
    if (frame === undefined) return this.kill('it sent a malformed frame');
    try {
      this.handle(frame);
    } catch (err) {
      // a bug here must not take the server down: the runs this frame was about fail
      this.log.error('script runner: a frame could not be handled', { pid: this.pid, frame: frame.t, error: String(err) });
    }
  }

  private handle(frame: FromRunner): void {
    switch (frame.t) {
      case 'ready':
        this.ready = true;
        return;
      case 'lines':
        return this.onLines(frame.first, frame.index, frame.kinds, frame.values);
      case 'settle': {
        const slot = this.runs.get(frame.token);
        if (slot?.pending) this.settle(slot, frame.line);
        return;
      }
      case 'log': {
        const slot = this.runs.get(frame.token);
        if (slot !== undefined) logLine(slot, frame.level, frame.text);
        return;
      }
      case 'call':
        return this.onCall(frame.cid, frame.token, frame.op, frame.a, frame.b);
      case 'pong':
        return this.onPong(frame.seq, frame.busy);
      case 'lost':
        this.tenants.get(frame.sid)?.onMemoryLost();
        return;
    }
  }

  private onLines(first: number, index: number, kinds: string, values: string): void {
    const batch = this.batches.get(first);
    if (batch === undefined) return; // its runs already failed (cancelled, released)
    if (index + kinds.length > batch.slots.length) return this.kill('it answered for more runs than a batch held');
    let parsed: unknown;
    try {
      parsed = JSON.parse(values);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== kinds.length) return this.kill('it sent results that do not parse');
    for (let i = 0; i < kinds.length; i++) {
      const slot = batch.slots[index + i]!;
      batch.slots[index + i] = DONE;
      if (slot === DONE) continue;
      batch.left--;
      if (slot.done) continue;
      const outcome = unpackOutcome(kinds[i]!, parsed[i], slot.owner.source);
      if (outcome === 'pending') this.wait(slot);
      else this.end(slot, outcome);
    }
    if (batch.left <= 0) this.batches.delete(first);
  }

  /** the body returned a promise that its batch did not settle: it ends by its deadline */
  private wait(slot: Slot): void {
    slot.pending = true;
    slot.deadline = Date.now() + slot.timeoutMs;
    this.pending.add(slot);
    const given = slot.options.signal;
    const signal = typeof given === 'function' ? given() : given;
    if (!signal) return;
    const onAbort = (): void => {
      if (slot.done) return;
      this.fail(slot, new ScriptError('the run was cancelled', 'SCRIPT_DISPOSED'));
      this.send({ t: 'cancel', sid: slot.owner.sid, scid: slot.owner.scid, token: slot.token });
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    slot.unlisten = () => signal.removeEventListener('abort', onAbort);
  }

  private onCall(cid: number, token: number, op: string, a: string | undefined, b: string | undefined): void {
    const slot = this.runs.get(token);
    const handler = HOST_OPS.get(op);
    const answer = (value: string | undefined): void => {
      this.send(value === undefined ? { t: 'reply', cid } : { t: 'reply', cid, value }, value?.length ?? 0);
    };
    const refuse = (err: unknown): void => {
      const error = toError(err);
      this.send({ t: 'reply', cid, error: { name: error.name, message: error.message.slice(0, 10_000) } });
    };
    if (slot === undefined || slot.done) return refuse(new Error('this run of the script has already ended'));
    if (handler === undefined) return refuse(new Error('unknown sandbox call'));
    let result: string | undefined | Promise<string | undefined>;
    try {
      result = handler.run(slot, a, b);
    } catch (err) {
      return refuse(err);
    }
    if (typeof result === 'object' && result !== null) result.then(answer, refuse);
    else answer(result);
  }

  // --- ending runs ---------------------------------------------------------------------------

  private settle(slot: Slot, line: string): void {
    this.end(slot, decodeLine(line, slot.owner.source));
  }

  private end(slot: Slot, outcome: Outcome): void {
    this.finish(slot);
    if (outcome.ok) slot.waiter.resolve(outcome.value);
    else slot.waiter.reject(outcome.error);
  }

  private fail(slot: Slot, error: ScriptError): void {
    if (slot.done) return;
    this.finish(slot);
    slot.waiter.reject(error);
  }

  private finish(slot: Slot): void {
    slot.done = true;
    this.runs.delete(slot.token);
    if (slot.pending) this.pending.delete(slot);
    slot.unlisten?.();
    if (this.runs.size === 0 && this.alive) {
      this.ticker.unref();
      this.idleSince = Date.now();
    }
  }
}

/** the reason a runner stopped because it had nothing to do (not a failure) */
export const RUNNER_IDLE = 'it was idle';

let nextToken = 1;

/** a placeholder for a batch's run that has been answered */
const DONE = { done: true } as unknown as Slot;

/** Runner output goes to the server log, bounded in line length and lines per window. */
function captureOutput(stream: (Readable & { unref?(): void }) | null, pid: number, log: Logger): void {
  if (!stream) return;
  stream.unref?.();
  stream.setEncoding('utf8');
  let buffer = '';
  let windowStart = 0;
  let lines = 0;
  const emit = (line: string): void => {
    const now = Date.now();
    if (now - windowStart > OUTPUT_WINDOW_MS) {
      windowStart = now;
      lines = 0;
    }
    lines++;
    if (lines > OUTPUT_LINES_PER_WINDOW) {
      if (lines === OUTPUT_LINES_PER_WINDOW + 1) log.warn('script runner: further output is dropped for a while', { pid });
      return;
    }
    if (line.trim() !== '') log.warn('script runner output', { pid, line: line.length > OUTPUT_LINE_CHARS ? `${line.slice(0, OUTPUT_LINE_CHARS)}…` : line });
  };
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let at = buffer.indexOf('\n');
    while (at >= 0) {
      emit(buffer.slice(0, at));
      buffer = buffer.slice(at + 1);
      at = buffer.indexOf('\n');
    }
    if (buffer.length > OUTPUT_LINE_CHARS) {
      emit(buffer);
      buffer = '';
    }
  });
  stream.on('end', () => {
    if (buffer) emit(buffer);
  });
}
