/** Public shapes of the script sandbox. */
import type ivm from 'isolated-vm';
import type { NodeState } from '../engine/node-api.ts';
import type { Logger } from '../../core/logger.ts';
import type { ScriptError } from './errors.ts';

export interface SandboxOptions {
  /** memory limit of the flow's isolate, MB (isolated-vm's minimum is 8) */
  memoryMb?: number;
  /** sandbox events (isolate re-created) and ctx.log of runs that bring no logger */
  log?: Logger;
}

export interface RunOptions {
  /** covers the whole run, including awaited timers; default 1000 */
  timeoutMs?: number;
  /** backs ctx.state (get is read directly, set is staged by the caller's NodeState) */
  state?: NodeState;
  /** backs ctx.flow */
  flow?: Map<string, unknown>;
  /** receives ctx.log lines of this run (the step's logger); the sandbox's logger when absent */
  log?: Logger;
  /** also receives each ctx.log line as `[level] text` (the step's trace; a NodeIO fits) */
  trace?: TraceSink;
  /**
   * a pending run fails when this fires (flow stopping). A function is called only when the
   * script is still pending after its batch, so most runs never make a signal.
   */
  signal?: AbortSignal | (() => AbortSignal);
}

export interface TraceSink { trace(line: string): void }

export interface CompiledScript {
  readonly name: string;
  /** the body uses await */
  readonly async: boolean;
  /**
   * Runs the body with a JSON copy of `msg`; resolves with a JSON copy of what it returned
   * (undefined when it returned nothing). Rejects with a ScriptError.
   */
  run(msg: unknown, options?: RunOptions): Promise<unknown>;
  /** frees this script's context; pending runs fail */
  release(): void;
}

export interface Sandbox {
  readonly memoryMb: number;
  readonly disposed: boolean;
  /** compiles the body of `function (msg, ctx)`; throws a ScriptError (SCRIPT_COMPILE) with the line */
  compile(code: string, options?: { name?: string }): CompiledScript;
  /** frees the isolate; pending runs fail */
  dispose(): void;
}

/** What a compiled script needs from the sandbox that owns the isolate. */
export interface IsolateHost {
  readonly memoryMb: number;
  readonly log: Logger | undefined;
  /** the live isolate, re-created after it died of its memory limit */
  current(): { isolate: ivm.Isolate; generation: number };
  /** the isolate of `generation` died (memory limit): every script fails its pending runs */
  lost(generation: number): ScriptError;
  forget(script: { abandon(error: ScriptError): void }): void;
  readonly disposed: boolean;
}
