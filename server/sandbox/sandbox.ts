/**
 * The script sandbox of one flow: one isolated-vm isolate with a memory limit, one context
 * per compiled script. When a script exceeds the memory limit, isolated-vm disposes the
 * isolate; the failing run (and any other pending run) fails, and the next run gets a new
 * isolate with every script compiled again.
 */
import ivm from 'isolated-vm';
import type { Logger } from '../../core/logger.ts';
import { ScriptError } from './errors.ts';
import { IsolateScript } from './script.ts';
import type { CompiledScript, IsolateHost, Sandbox, SandboxOptions } from './types.ts';

export const DEFAULT_MEMORY_MB = 64;
const MIN_MEMORY_MB = 8;

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new IsolateSandbox(options);
}

/** isolated-vm's README: on Node 20+ the process must start with --no-node-snapshot */
function snapshotDisabled(): boolean {
  const flag = '--no-node-snapshot';
  return process.execArgv.includes(flag) || (process.env['NODE_OPTIONS'] ?? '').includes(flag)
    || Number(process.versions.node.split('.')[0]) < 20;
}

class IsolateSandbox implements Sandbox, IsolateHost {
  readonly memoryMb: number;
  readonly log: Logger | undefined;
  private isolate: ivm.Isolate | undefined;
  private generation = 0;
  private isDisposed = false;
  private readonly scripts = new Set<IsolateScript>();

  constructor(options: SandboxOptions) {
    const memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    if (!Number.isFinite(memoryMb) || memoryMb < MIN_MEMORY_MB) {
      throw new RangeError(`script memory limit must be at least ${MIN_MEMORY_MB} MB`);
    }
    this.memoryMb = Math.round(memoryMb);
    this.log = options.log;
    if (!snapshotDisabled()) {
      this.log?.warn('node runs without --no-node-snapshot: isolated-vm may crash the process on Node 20+');
    }
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  compile(code: string, options: { name?: string } = {}): CompiledScript {
    const script = new IsolateScript(this, code, options.name ?? 'script');
    this.scripts.add(script);
    return script;
  }

  current(): { isolate: ivm.Isolate; generation: number } {
    if (this.isDisposed) throw new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
    if (this.isolate === undefined || this.isolate.isDisposed) {
      this.isolate = new ivm.Isolate({
        memoryLimit: this.memoryMb,
        onCatastrophicError: (message) => this.log?.error('script isolate failed beyond recovery', { error: message }),
      });
      this.generation++;
    }
    return { isolate: this.isolate, generation: this.generation };
  }

  lost(generation: number): ScriptError {
    const error = new ScriptError(`script exceeded memory limit of ${this.memoryMb} MB`, 'SCRIPT_MEMORY');
    if (generation !== this.generation || this.isolate === undefined) return error;
    this.isolate = undefined; // the next run creates a fresh one
    this.log?.warn('a script exceeded the memory limit; its isolate was disposed and will be re-created', {
      memoryMb: this.memoryMb,
    });
    for (const script of this.scripts) script.abandon(error);
    return error;
  }

  forget(script: { abandon(error: ScriptError): void }): void {
    if (script instanceof IsolateScript) this.scripts.delete(script);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    const error = new ScriptError('the script sandbox was disposed', 'SCRIPT_DISPOSED');
    for (const script of this.scripts) script.abandon(error);
    this.scripts.clear();
    if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
    this.isolate = undefined;
  }
}
