/**
 * The runner's end of the IPC channel: frames to the server go out in one message per tick
 * (results, log lines and host calls of that tick together), and host calls wait for their
 * reply. When the server does not keep up, ctx.log lines are dropped rather than queued without
 * bound; results and calls are never dropped.
 */
import type { FromRunner } from '../protocol.ts';

/** a message is sent early once it holds this many characters, so no single message is huge */
const FLUSH_CHARS = 256 * 1024;
/** characters written to the channel but not yet taken by the OS: above this, log lines drop */
const CONGESTED_CHARS = 8 * 1024 * 1024;

export interface HostError { name: string; message: string }

type Send = (message: FromRunner[], callback: (error: Error | null) => void) => void;

export class RunnerLink {
  private frames: FromRunner[] = [];
  private chars = 0;
  private scheduled = false;
  private unwritten = 0;
  private unwrittenChars = 0;
  private nextCall = 1;
  private readonly calls = new Map<number, { resolve(value: string | undefined): void; reject(error: Error): void }>();
  droppedLogs = 0;

  constructor(private readonly send: Send) {}

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
    if (this.unwrittenChars > CONGESTED_CHARS) {
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
    const chars = this.chars;
    this.frames = [];
    this.chars = 0;
    this.unwritten++;
    this.unwrittenChars += chars;
    this.send(frames, () => {
      this.unwritten--;
      this.unwrittenChars -= chars;
    });
  }
}
