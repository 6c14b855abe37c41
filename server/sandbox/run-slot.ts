/** The server's record of one run of a script, from queued to settled. */
import { ScriptError } from './errors.ts';
import type { RunOptions } from './types.ts';
import { errorMessage } from '../../core/guards.ts';

export const DEFAULT_TIMEOUT_MS = 1000;

/** What a run needs from the script it belongs to. */
export interface SlotOwner {
  readonly name: string;
  readonly source: { filename: string; lineCount: number };
  /** the sandbox's logger, for ctx.log of runs that bring none */
  readonly fallbackLog: RunOptions['log'];
  readonly limits: { flowBytes: number; stateBytes: number; messageBytes: number };
  readonly sid: number;
  readonly scid: number;
}

export interface Slot {
  token: number;
  owner: SlotOwner;
  options: RunOptions;
  timeoutMs: number;
  done: boolean;
  /** the body returned a promise still pending after its batch; settles by `deadline` */
  pending?: boolean;
  deadline?: number;
  waiter: { resolve(value: unknown): void; reject(error: Error): void };
  /** the message as JSON, until its batch is sent */
  json: string;
  unlisten?: () => void;
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
    throw new ScriptError(`the message is not JSON: ${errorMessage(err)}`, 'SCRIPT_DATA');
  }
}
