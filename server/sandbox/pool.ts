/**
 * The pool of script runners: a few child processes (TRIBUTARY_SCRIPT_RUNNERS, default 2),
 * started on first use — a server without script nodes starts none. Each flow's sandbox is
 * pinned to one pool slot (the least used when it was created); when a slot's runner stops, a
 * new one takes its place and the flows pinned there compile their scripts into it again.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../core/logger.ts';
import { ScriptError } from './errors.ts';
import { RUNNER_IDLE, RunnerProcess } from './runner-process.ts';

export const DEFAULT_RUNNERS = 2;
/** a runner without a run for this long stops (its memory goes back); the next run starts one */
export const DEFAULT_RUNNER_IDLE_MS = 10_000;
/** after a runner died before it was ready, the next start waits this long */
const RESTART_PAUSE_MS = 1000;
const MAX_RUNNERS = 64;

export interface RunnerInfo {
  slot: number;
  pid: number;
  /** sandboxes (flows) pinned to the slot */
  sandboxes: number;
  /** runs in flight in the runner */
  runs: number;
}

/** TRIBUTARY_SCRIPT_RUNNERS, 1–64 */
export function runnersFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['TRIBUTARY_SCRIPT_RUNNERS'];
  const value = raw === undefined || raw === '' ? DEFAULT_RUNNERS : Number(raw);
  return Number.isInteger(value) && value >= 1 ? Math.min(value, MAX_RUNNERS) : DEFAULT_RUNNERS;
}

/** TRIBUTARY_SCRIPT_RUNNER_IDLE_MS: 0 keeps idle runners; otherwise at least 1000 */
export function runnerIdleMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['TRIBUTARY_SCRIPT_RUNNER_IDLE_MS'];
  const value = raw === undefined || raw === '' ? DEFAULT_RUNNER_IDLE_MS : Number(raw);
  if (!Number.isInteger(value) || value < 0) return DEFAULT_RUNNER_IDLE_MS;
  return value === 0 ? 0 : Math.max(value, 1000);
}

/** the runner's entry next to this file: runner/main.ts under tsx, runner/main.js when compiled */
function runnerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./runner/main${extname(here)}`, import.meta.url));
}

/**
 * The node flags a runner takes from the server: module loaders (tsx's `--import` in
 * development) and a few harmless ones. Only these: the server may have been started with code
 * to run (`-e`), an inspector port or test-runner flags, none of which a runner may inherit.
 */
function runnerExecArgv(): string[] {
  const withValue = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);
  const plain = new Set(['--enable-source-maps', '--no-warnings', '--no-deprecation']);
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.split('=')[0]!;
    if (withValue.has(name)) {
      if (arg.includes('=')) out.push(arg);
      else if (i + 1 < argv.length) out.push(arg, argv[++i]!);
    } else if (plain.has(arg)) {
      out.push(arg);
    }
  }
  // isolated-vm needs V8 without the startup snapshot on Node 20+
  out.push('--no-node-snapshot');
  return out;
}

export class RunnerPool {
  private readonly processes: (RunnerProcess | undefined)[];
  private readonly pins: number[];
  /** the last runner of a slot that died before it was ready: when, and why */
  private readonly failedStart: ({ at: number; reason: string } | undefined)[];
  private fallbackLog: Logger | undefined;

  constructor(
    readonly size: number,
    private log: Logger | undefined = undefined,
    private readonly idleMs = 0,
  ) {
    this.processes = Array.from({ length: size }, () => undefined);
    this.pins = Array.from({ length: size }, () => 0);
    this.failedStart = Array.from({ length: size }, () => undefined);
  }

  setLog(log: Logger): void {
    this.log = log;
  }

  /** a slot for a new sandbox: the one with the fewest sandboxes */
  pin(): number {
    let best = 0;
    for (let i = 1; i < this.size; i++) if (this.pins[i]! < this.pins[best]!) best = i;
    this.pins[best]!++;
    return best;
  }

  unpin(slot: number): void {
    if (this.pins[slot]! > 0) this.pins[slot]!--;
  }

  /** the live runner of a slot, started when there is none */
  get(slot: number, log: Logger | undefined): RunnerProcess {
    this.fallbackLog ??= log;
    const current = this.processes[slot];
    if (current?.alive) return current;
    // a runner that cannot even start is not started again in a tight loop
    const failed = this.failedStart[slot];
    if (failed !== undefined && Date.now() - failed.at < RESTART_PAUSE_MS) {
      throw new ScriptError(`the script runner could not be started (${failed.reason})`, 'SCRIPT_RUNNER_LOST');
    }
    return this.start(slot);
  }

  private start(slot: number): RunnerProcess {
    // a runner never starts runners (guards against a runner that runs server code by mistake)
    if (process.env[RUNNER_MARK] === '1') throw new Error('a script runner cannot start script runners');
    const runner = new RunnerProcess({ entry: runnerEntry(), execArgv: runnerExecArgv(), log: this.logger(), idleMs: this.idleMs });
    runner.onStop = (stopped, reason, failed) => {
      if (this.processes[slot] === stopped) this.processes[slot] = undefined;
      if (reason === STOPPING || reason === RUNNER_IDLE) return;
      this.logger().warn('a script runner stopped; it is replaced and the runs it held failed', { pid: stopped.pid, reason, failedRuns: failed });
      if (!stopped.started) {
        this.failedStart[slot] = { at: Date.now(), reason };
        return; // started again on next use, not at once
      }
      this.failedStart[slot] = undefined;
      // flows pinned here get a warm replacement; their scripts are compiled into it on their next run
      if (this.pins[slot]! > 0 && this.processes[slot] === undefined) this.start(slot);
    };
    this.processes[slot] = runner;
    return runner;
  }

  private logger(): Logger {
    return this.log ?? this.fallbackLog ?? SILENT;
  }

  info(): RunnerInfo[] {
    const out: RunnerInfo[] = [];
    this.processes.forEach((runner, slot) => {
      if (runner?.alive) out.push({ slot, pid: runner.pid, sandboxes: this.pins[slot]!, runs: runner.running });
    });
    return out;
  }

  /** stops the runners no sandbox uses any more (a server shutting down after its flows) */
  stopIdle(): void {
    this.processes.forEach((runner, slot) => {
      if (runner?.alive && this.pins[slot] === 0) runner.kill(STOPPING);
    });
  }

  /** stops every runner; their runs fail */
  stopAll(): void {
    for (const runner of this.processes) if (runner?.alive) runner.kill(STOPPING);
  }
}

const STOPPING = 'the server is stopping';
/** set in a runner's environment */
export const RUNNER_MARK = 'TRIBUTARY_SCRIPT_RUNNER';

const SILENT: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let pool: RunnerPool | undefined;

/** the process's pool, made on first use */
export function runnerPool(): RunnerPool {
  pool ??= new RunnerPool(runnersFromEnv(), undefined, runnerIdleMsFromEnv());
  return pool;
}

/** the server's logger for runner events and output (before, the first sandbox's logger is used) */
export function configureScriptRunners(options: { log?: Logger }): void {
  if (options.log) runnerPool().setLog(options.log);
}

/** graceful shutdown: runners that no flow uses any more are stopped */
export function stopIdleScriptRunners(): void {
  pool?.stopIdle();
}

/** pid, pinned sandboxes and runs in flight of each live runner (tests, diagnostics) */
export function scriptRunners(): RunnerInfo[] {
  return pool?.info() ?? [];
}
