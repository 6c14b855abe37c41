/** The host-side record of one run of a script, from queued to settled. */
import type ivm from 'isolated-vm';
import { ScriptError } from './errors.ts';
import type { RunOptions } from './types.ts';

export const DEFAULT_TIMEOUT_MS = 1000;

export type EntryFn = (kind: number, a?: number, b?: string) => string | undefined;

export interface Binding {
  generation: number;
  isolate: ivm.Isolate;
  context: ivm.Context;
  entry: ivm.Reference<EntryFn>;
}

export interface Slot {
  token: number;
  options: RunOptions;
  /** set when its batch runs */
  binding?: Binding;
  timeoutMs: number;
  /** set when its batch runs: the whole run, awaited timers included, ends by then */
  deadline: number;
  done: boolean;
  /** the body returned a promise that its batch entry did not settle */
  pending?: boolean;
  /** outcome reported by microtasks before its batch entry returned */
  early?: string;
  waiter: { resolve(value: unknown): void; reject(error: Error): void };
  /** the message as JSON, until its batch runs */
  json: string;
  watchdog?: NodeJS.Timeout;
  timers?: Map<number, NodeJS.Timeout>;
  unlisten?: () => void;
  /** bytes the run may still write to the host (logs, state, flow) */
  budget: number;
  logLines: number;
}

export function timeoutError(timeoutMs: number): ScriptError {
  return new ScriptError(`script timed out after ${timeoutMs} ms`, 'SCRIPT_TIMEOUT');
}

export function clampTimeout(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return DEFAULT_TIMEOUT_MS;
  return Math.min(Math.max(Math.round(value), 1), 600_000);
}

export function messageJson(msg: unknown): string {
  try {
    return JSON.stringify(msg) ?? 'null';
  } catch (err) {
    throw new ScriptError(`the message is not JSON: ${err instanceof Error ? err.message : String(err)}`, 'SCRIPT_DATA');
  }
}
