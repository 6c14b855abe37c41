/**
 * Child processes of a benchmark: each side runs in its own process (separate CPU and RSS),
 * talks JSON over the IPC channel, is killed when its time is up, and every child still
 * alive is killed when the parent exits or is interrupted, so a bench never leaves strays.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface ChildMessage { type: string; [key: string]: unknown }

export interface ChildOptions {
  /** node flags before the script, e.g. ['--import', 'tsx'] */
  execArgv?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** hard limit: the child is killed (SIGKILL) after this */
  timeoutMs: number;
  label: string;
}

const alive = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = (): void => {
    for (const c of alive) c.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

export class Child {
  private readonly proc: ChildProcess;
  private readonly inbox: ChildMessage[] = [];
  private waiters: { type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = [];
  private exited: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private stderrTail = '';

  constructor(script: string, args: string[], private readonly options: ChildOptions) {
    hookExit();
    this.proc = fork(script, args, {
      execArgv: options.execArgv ?? [],
      env: { ...process.env, ...options.env },
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    alive.add(this.proc);
    this.proc.stdout?.on('data', (d: Buffer) => this.keep(d));
    this.proc.stderr?.on('data', (d: Buffer) => this.keep(d));
    this.proc.on('message', (m: ChildMessage) => this.receive(m));
    this.proc.on('exit', (code, signal) => {
      alive.delete(this.proc);
      clearTimeout(this.timer);
      this.fail(new Error(`${options.label} exited (${signal ?? `code ${code}`})${this.stderrTail ? `; last output:\n${this.stderrTail}` : ''}`));
    });
    this.timer = setTimeout(() => {
      this.fail(new Error(`${options.label} timed out after ${options.timeoutMs} ms`));
      this.proc.kill('SIGKILL');
    }, options.timeoutMs);
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  send(message: ChildMessage): void {
    this.proc.send(message);
  }

  /** the next message of this type (messages that came earlier are kept) */
  next(type: string): Promise<ChildMessage> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiters.push({ type, resolve, reject }));
  }

  /** ask and wait for the answer of the same type */
  async ask(message: ChildMessage): Promise<ChildMessage> {
    const answer = this.next(message.type);
    this.send(message);
    return answer;
  }

  /** waits up to `waitMs` for the child to exit by itself, then stops it */
  async finish(waitMs = 10_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise<boolean>((r) => this.proc.once('exit', () => r(true)));
    const late = new Promise<boolean>((r) => setTimeout(() => r(false), waitMs).unref());
    if (!(await Promise.race([gone, late]))) await this.stop();
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs` */
  async stop(graceMs = 5000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(t);
  }

  private receive(m: ChildMessage): void {
    if (m.type === 'error') {
      this.fail(new Error(`${this.options.label}: ${String(m['message'])}`));
      return;
    }
    const i = this.waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
    else this.inbox.push(m);
  }

  private fail(err: Error): void {
    this.exited ??= err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  private keep(d: Buffer): void {
    if (process.env['BENCH_VERBOSE']) process.stderr.write(`[${this.options.label}] ${d.toString()}`);
    this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
  }
}
