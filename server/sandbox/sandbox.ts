/**
 * The script sandbox of one flow, as the server sees it: the flow's scripts run in one isolate
 * that lives in a runner process (never in the server), pinned to one runner of the pool.
 * `compile` checks the body on the server (parse only, nothing runs) so a bad body fails at
 * once with its line; the runner compiles it again in the flow's isolate. When the runner is
 * replaced, the sandbox registers itself and its scripts in the new one before its next batch.
 */
import type { Logger } from '../../core/logger.ts';
import { ScriptError } from './errors.ts';
import { bootstrapLimits, resolveLimits } from './limits.ts';
import { runnerPool } from './pool.ts';
import type { RunnerProcess, RunnerTenant } from './runner-process.ts';
import { SandboxScript } from './script.ts';
import { checkCompiles } from './syntax.ts';
import type { CompiledScript, Sandbox, SandboxLimits, SandboxOptions } from './types.ts';

export const DEFAULT_MEMORY_MB = 64;
const MIN_MEMORY_MB = 8;

let nextSandbox = 1;

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new RunnerSandbox(options);
}

class RunnerSandbox implements Sandbox, RunnerTenant {
  readonly sid = nextSandbox++;
  readonly memoryMb: number;
  readonly log: Logger | undefined;
  readonly limits: SandboxLimits;
  private slot: number | undefined;
  private registered: RunnerProcess | undefined;
  private isDisposed = false;
  private readonly scripts = new Set<SandboxScript>();

  constructor(options: SandboxOptions) {
    const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    if (!Number.isFinite(memoryMb) || memoryMb < MIN_MEMORY_MB) {
      throw new RangeError(`script memory limit must be at least ${MIN_MEMORY_MB} MB`);
    }
    this.memoryMb = Math.round(memoryMb);
    this.log = options.log;
    this.limits = resolveLimits(options.limits);
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  compile(code: string, options: { name?: string } = {}): CompiledScript {
    if (this.isDisposed) throw new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
    const source = checkCompiles(code, options.name ?? 'script');
    const script = new SandboxScript(this, source, options.name ?? 'script');
    // the runner starts (and compiles) now, so the first message does not wait for it
    const runner = this.attach();
    this.scripts.add(script);
    runner.send({ t: 'compile', sid: this.sid, scid: script.scid, code: source.code, name: script.name }, source.code.length);
    return script;
  }

  /**
   * The live runner of the flow, with this sandbox and its scripts registered in it. A runner
   * that has just replaced a dead one gets them before anything else (IPC keeps the order).
   */
  attach(): RunnerProcess {
    if (this.isDisposed) throw new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
    const pool = runnerPool();
    this.slot ??= pool.pin();
    const runner = pool.get(this.slot, this.log);
    if (this.registered === runner) return runner;
    this.registered = runner;
    runner.tenants.set(this.sid, this);
    runner.send({ t: 'open', sid: this.sid, memoryMb: this.memoryMb, limits: bootstrapLimits(this.limits) });
    for (const script of this.scripts) {
      runner.send({ t: 'compile', sid: this.sid, scid: script.scid, code: script.source.code, name: script.name }, script.source.code.length);
    }
    return runner;
  }

  current(): RunnerProcess | undefined {
    return this.registered?.alive ? this.registered : undefined;
  }

  /** the runner says the isolate died of its memory limit (its runs already failed) */
  onMemoryLost(): void {
    this.log?.warn('a script exceeded the memory limit; its isolate was disposed and will be re-created', { memoryMb: this.memoryMb });
  }

  forget(script: SandboxScript): void {
    this.scripts.delete(script);
    const runner = this.registered;
    if (runner?.alive) runner.send({ t: 'release', sid: this.sid, scid: script.scid });
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    const error = new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
    for (const script of this.scripts) script.abandon(error);
    this.scripts.clear();
    const runner = this.registered;
    this.registered = undefined;
    if (runner?.alive) {
      runner.failWhere((slot) => slot.owner.sid === this.sid, error);
      runner.send({ t: 'close', sid: this.sid });
      runner.tenants.delete(this.sid);
    }
    if (this.slot !== undefined) runnerPool().unpin(this.slot);
    this.slot = undefined;
  }
}
