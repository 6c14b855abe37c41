/**
 * The host side of ctx.log / ctx.state / ctx.flow and timers: called from inside the isolate
 * with copied primitives, answering with JSON strings. Writes are bounded per run.
 */
import type { Logger } from '../../core/logger.ts';
import { HostOp } from './bootstrap.ts';
import type { Slot } from './run-slot.ts';

/** per run: pending timers, ctx.log lines, and the length of one log line */
const MAX_TIMERS = 100;
const MAX_LOG_LINES = 1000;
const MAX_LOG_CHARS = 8192;

export interface HostCallEnv {
  /** the script's name, in log fields */
  name: string;
  memoryMb: number;
  /** ctx.log of runs that bring no logger */
  fallbackLog: Logger | undefined;
  /** a timer of this run is due */
  fire(slot: Slot, id: number): void;
}

/** Errors thrown here reach the script as its own exceptions, without the host's stack. */
export function hostCall(env: HostCallEnv, slot: Slot | undefined, op: unknown, a: unknown, b: unknown): string | undefined {
  try {
    return dispatch(env, slot, op, a, b);
  } catch (err) {
    throw withoutHostStack(err);
  }
}

function dispatch(env: HostCallEnv, slot: Slot | undefined, op: unknown, a: unknown, b: unknown): string | undefined {
  if (slot === undefined || slot.done) {
    if (op === HostOp.log) return undefined;
    throw new Error('this run of the script has already ended');
  }
  switch (op) {
    case HostOp.log:
      log(env, slot, String(a), String(b));
      return undefined;
    case HostOp.stateGet:
      return toJson(slot.options.state ? slot.options.state.get(String(a)) : unavailable('ctx.state'), 'ctx.state');
    case HostOp.stateSet:
      if (!slot.options.state) unavailable('ctx.state');
      slot.options.state.set(String(a), written(env, slot, b));
      return undefined;
    case HostOp.flowGet:
      return toJson(slot.options.flow ? slot.options.flow.get(String(a)) : unavailable('ctx.flow'), 'ctx.flow');
    case HostOp.flowSet: {
      const flow = slot.options.flow ?? unavailable('ctx.flow');
      const value = written(env, slot, b);
      if (value === undefined) flow.delete(String(a));
      else flow.set(String(a), value);
      return undefined;
    }
    case HostOp.timerSet:
      addTimer(env, slot, Number(a), Number(b));
      return undefined;
    case HostOp.timerClear: {
      const handle = slot.timers?.get(Number(a));
      if (handle !== undefined) clearTimeout(handle);
      slot.timers?.delete(Number(a));
      return undefined;
    }
    default:
      throw new Error('unknown sandbox call');
  }
}

function addTimer(env: HostCallEnv, slot: Slot, id: number, ms: number): void {
  slot.timers ??= new Map();
  if (slot.timers.size >= MAX_TIMERS) throw new RangeError(`a run may have at most ${MAX_TIMERS} pending timers`);
  // a timer past the deadline never fires: the watchdog ends the run first
  const delay = Math.min(Math.max(0, Number.isFinite(ms) ? ms : 0), slot.timeoutMs + 1);
  slot.timers.set(id, setTimeout(() => env.fire(slot, id), delay));
}

function written(env: HostCallEnv, slot: Slot, json: unknown): unknown {
  if (json === undefined) return undefined;
  const text = String(json);
  slot.budget -= text.length;
  if (slot.budget < 0) throw new RangeError(`a run may write at most ${env.memoryMb} MB to ctx.state/ctx.flow/ctx.log`);
  return JSON.parse(text);
}

function log(env: HostCallEnv, slot: Slot, level: string, text: string): void {
  slot.logLines++;
  if (slot.logLines > MAX_LOG_LINES) {
    if (slot.logLines === MAX_LOG_LINES + 1) emit(env, slot, 'warn', `further ctx.log lines of this run are dropped (limit ${MAX_LOG_LINES})`);
    return;
  }
  slot.budget -= text.length;
  if (slot.budget < 0) throw new RangeError(`a run may write at most ${env.memoryMb} MB to ctx.state/ctx.flow/ctx.log`);
  emit(env, slot, level, text.length > MAX_LOG_CHARS ? `${text.slice(0, MAX_LOG_CHARS)}…` : text);
}

function emit(env: HostCallEnv, slot: Slot, level: string, text: string): void {
  slot.options.trace?.trace(`[${level}] ${text}`);
  const logger: Logger | undefined = slot.options.log ?? env.fallbackLog;
  if (!logger) return;
  const fields = { script: env.name };
  if (level === 'warn') logger.warn(text, fields);
  else if (level === 'error') logger.error(text, fields);
  else if (level === 'debug') logger.debug(text, fields);
  else logger.info(text, fields);
}

function toJson(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new TypeError(`${what} value is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** errors thrown back into the isolate carry no host stack (it names server files) */
function withoutHostStack(err: unknown): Error {
  const source = err instanceof Error ? err : new Error(String(err));
  const copy = source instanceof RangeError ? new RangeError(source.message)
    : source instanceof TypeError ? new TypeError(source.message)
    : new Error(source.message);
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

function unavailable(what: string): never {
  throw new Error(`${what} is not available here`);
}
