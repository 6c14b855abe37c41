/**
 * The server's side of what a script asks of its host: ctx.state and ctx.flow (host calls,
 * answered over IPC while only the script's isolate waits) and ctx.log (fire and forget).
 *
 * Host calls are one table: a new operation is one entry here plus its ctx method in
 * bootstrap.ts. An entry may answer at once or with a promise (an `async` operation, such as
 * a later `ctx.db(…).query(…)`, answers when its work is done; the isolate is not blocked
 * while it waits when the bootstrap calls it with `apply` instead of `applySyncPromise`).
 * Arguments and answers are JSON strings; an error thrown here is thrown into the script.
 */
import type { Logger } from '../../core/logger.ts';
import { formatSize } from './outcome.ts';
import type { Slot } from './run-slot.ts';
import { errorMessage } from '../../core/guards.ts';

export interface HostOp {
  /** sync: the script waits for the answer (ctx.state.get); async: the script gets a promise */
  mode: 'sync' | 'async';
  run(slot: Slot, a: string | undefined, b: string | undefined): string | undefined | Promise<string | undefined>;
}

export const HOST_OPS: ReadonlyMap<string, HostOp> = new Map<string, HostOp>([
  ['state.get', {
    mode: 'sync',
    run: (slot, key) => toJson(stateOf(slot).get(keyOf(key)), 'ctx.state.get'),
  }],
  ['state.set', {
    mode: 'sync',
    run: (slot, key, json) => {
      const state = stateOf(slot);
      const k = keyOf(key);
      if (json === undefined) return void state.set(k, undefined);
      const total = stateTotal(state, k) + k.length + json.length;
      const limit = slot.owner.limits.stateBytes;
      if (total > limit) {
        throw new RangeError(`ctx.state.set: the state of node ${slot.owner.name} would hold ${formatSize(total)}, above its limit of ${formatSize(limit)}`);
      }
      state.set(k, parsed(json, 'ctx.state.set'));
      return undefined;
    },
  }],
  ['flow.get', {
    mode: 'sync',
    run: (slot, key) => toJson(flowOf(slot).get(keyOf(key)), 'ctx.flow.get'),
  }],
  ['flow.set', {
    mode: 'sync',
    run: (slot, key, json) => {
      const flow = flowOf(slot);
      const k = keyOf(key);
      if (json === undefined) return void flow.delete(k);
      const total = flowTotal(flow, k) + k.length + json.length;
      const limit = slot.owner.limits.flowBytes;
      if (total > limit) {
        throw new RangeError(`ctx.flow.set: the flow's memory would hold ${formatSize(total)}, above its limit of ${formatSize(limit)}`);
      }
      flow.set(k, parsed(json, 'ctx.flow.set'));
      return undefined;
    },
  }],
  ['db.query', {
    mode: 'async',
    run: async (slot, json) => {
      const db = slot.options.db;
      if (!db) throw new Error('ctx.db is not available here: name the database connections in the node\'s "connections" setting');
      const [name, sql, binds] = dbCall(json);
      // the statement may use what is left of the run's time limit, never more
      const left = slot.deadline !== undefined ? slot.deadline - Date.now() : slot.timeoutMs;
      const answer = JSON.stringify(await db.query(name, sql, binds, Math.max(1, left)));
      const limit = slot.owner.limits.messageBytes;
      if (answer.length > limit) {
        throw new RangeError(`ctx.db("${name}").query: the result is ${formatSize(answer.length)} of JSON, above the script message limit of ${formatSize(limit)}; select fewer rows or columns`);
      }
      return answer;
    },
  }],
]);

/** `[name, sql, binds]` as the bootstrap sends them; binds an object of `:name` values */
function dbCall(json: string | undefined): [string, string, Record<string, unknown>] {
  const value = json === undefined ? undefined : parsed(json, 'ctx.db(…).query');
  if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    throw new TypeError('ctx.db(name).query(sql, binds): name and sql must be strings');
  }
  const binds: unknown = value[2] ?? {};
  if (typeof binds !== 'object' || binds === null || Array.isArray(binds)) {
    throw new TypeError('ctx.db(name).query(sql, binds): binds must be an object of :name values, e.g. { id: 42 } for :id');
  }
  return [value[0], value[1], binds as Record<string, unknown>];
}

/** ctx.log: a line to the step's trace and the log (the isolate already bounded it) */
export function logLine(slot: Slot, level: number, text: string): void {
  const name = LEVELS[level] ?? 'info';
  slot.options.trace?.trace(`[${name}] ${text}`);
  const logger: Logger | undefined = slot.options.log ?? slot.owner.fallbackLog;
  if (!logger) return;
  logger[name](text, { script: slot.owner.name });
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function stateOf(slot: Slot): NonNullable<Slot['options']['state']> {
  const state = slot.options.state;
  if (!state) throw new Error('ctx.state is not available here');
  return state;
}

function flowOf(slot: Slot): Map<string, unknown> {
  const flow = slot.options.flow;
  if (!flow) throw new Error('ctx.flow is not available here');
  return flow;
}

function keyOf(key: string | undefined): string {
  if (typeof key !== 'string') throw new TypeError('the key must be a string');
  return key;
}

function parsed(json: string, what: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new TypeError(`${what}: the value is not JSON`);
  }
}

function toJson(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new TypeError(`${what}: the stored value is not JSON: ${errorMessage(err)}`);
  }
}

/** what every other key of the node's state holds, as this run sees it */
function stateTotal(state: NonNullable<Slot['options']['state']>, except: string): number {
  if (!state.keys) return 0;
  let total = 0;
  for (const key of state.keys()) if (key !== except) total += key.length + sizeOf(state.get(key));
  return total;
}

function flowTotal(flow: Map<string, unknown>, except: string): number {
  let total = 0;
  for (const [key, value] of flow) if (key !== except) total += key.length + sizeOf(value);
  return total;
}

/**
 * JSON length of a stored value. Values written by scripts are parsed once and never changed,
 * so an object's size is measured once; totals cost one lookup per key.
 */
const sizes = new WeakMap<object, number>();
function sizeOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'string') return value.length + 2;
  if (typeof value !== 'object' || value === null) return String(value).length;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  let size: number;
  try {
    size = JSON.stringify(value)?.length ?? 0;
  } catch {
    size = 0;
  }
  sizes.set(value, size);
  return size;
}
