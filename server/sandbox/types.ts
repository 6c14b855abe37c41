/** Public shapes of the script sandbox. */
import type { NodeState } from '../engine/node-api.ts';
import type { Logger } from '../../core/logger.ts';

export interface SandboxOptions {
  /** memory limit of the flow's isolate, MB (isolated-vm's minimum is 8) */
  memoryMb?: number;
  /** sandbox events (isolate re-created, runner replaced) and ctx.log of runs that bring no logger */
  log?: Logger;
  /** size limits of what crosses the sandbox (defaults: DEFAULT_LIMITS) */
  limits?: Partial<SandboxLimits>;
}

/** Sizes are characters of JSON text (≈ bytes for ASCII), keys included for state and flow. */
export interface SandboxLimits {
  /** a message going into or coming out of a script */
  messageBytes: number;
  /** everything ctx.flow holds for the flow (the Map a run brings as `flow`) */
  flowBytes: number;
  /** everything ctx.state holds for one node (and so any one value of it) */
  stateBytes: number;
}

export interface RunOptions {
  /** covers the whole run, including awaited timers; default 1000 */
  timeoutMs?: number;
  /** backs ctx.state (get is read directly, set is staged by the caller's NodeState) */
  state?: NodeState;
  /** backs ctx.flow */
  flow?: Map<string, unknown>;
  /** backs ctx.db(name).query(sql, binds); without it ctx.db is refused */
  db?: ScriptDatabases;
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

/** The database connections a script may query, by the name the script uses. */
export interface ScriptDatabases {
  /** resolves to `{rows}` for a query, `{affectedRows}` otherwise; rejects with a message for the script */
  query(name: string, sql: string, binds: Record<string, unknown>, timeoutMs: number): Promise<unknown>;
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
