/**
 * The runner's end of the channel to the server: frames go out together once per loop turn
 * (results, log lines and host calls of that turn in one write), and host calls wait for their
 * reply. When the server does not keep up, ctx.log lines are dropped rather than queued without
 * bound; results and calls are never dropped.
 */
import type { FromRunner } from '../protocol.ts';

/** a turn's frames are written early once they hold this many characters */
const FLUSH_CHARS = 256 * 1024;
/** bytes written to the channel but not yet taken by the OS: above this, log lines drop */
const CONGESTED_BYTES = 8 * 1024 * 1024;

export interface HostError { name: string; message: string }

/** writes one turn's frames; `backlog` is what is still queued */
export interface Outlet {
  write(frames: FromRunner[]): void;
  readonly backlog: number;
}

export class RunnerLink {
  private frames: FromRunner[] = [];
  private chars = 0;
  private scheduled = false;
  private nextCall = 1;
  private readonly calls = new Map<number, { resolve(value: string | undefined): void; reject(error: Error): void }>();
  droppedLogs = 0;

  constructor(private readonly outlet: Outlet) {}

  push(frame: FromRunner, chars = 0): void {
    this.frames.push(frame);
    this.chars += chars;
    if (this.chars >= FLUSH_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      // what the isolate's callbacks of one loop turn produce goes out together
      setImmediate(this.flushLater);
    }
  }

  /** ctx.log lines: dropped while the channel is congested */
  log(token: number, level: number, text: string): void {
    if (this.outlet.backlog > CONGESTED_BYTES) {
      this.droppedLogs++;
      return;
    }
    this.push({ t: 'log', token, level, text }, text.length);
  }

  call(token: number, op: string, a: string | undefined, b: string | undefined): Promise<string | undefined> {
    const cid = this.nextCall++;
    return new Promise((resolve, reject) => {
      this.calls.set(cid, { resolve, reject });
      const frame: FromRunner = { t: 'call', cid, token, op };
      if (a !== undefined) frame.a = a;
      if (b !== undefined) frame.b = b;
      this.push(frame, (a?.length ?? 0) + (b?.length ?? 0));
      // the isolate waits for the answer: no reason to wait for the end of the turn
      this.flush();
    });
  }

  reply(cid: number, value: string | undefined, error: HostError | undefined): void {
    const call = this.calls.get(cid);
    if (call === undefined) return;
    this.calls.delete(cid);
    if (error === undefined) return call.resolve(value);
    // errors reach the script as its own exceptions, without any host stack
    const Type = error.name === 'RangeError' ? RangeError : error.name === 'TypeError' ? TypeError : Error;
    const thrown = new Type(error.message);
    thrown.stack = `${thrown.name}: ${thrown.message}`;
    call.reject(thrown);
  }

  private readonly flushLater = (): void => this.flush();

  flush(): void {
    this.scheduled = false;
    if (this.frames.length === 0) return;
    const frames = this.frames;
    this.frames = [];
    this.chars = 0;
    this.outlet.write(frames);
  }
}
