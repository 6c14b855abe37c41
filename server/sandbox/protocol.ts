/**
 * The frames the server and a script runner (a child process) exchange over their channel
 * (wire.ts). Whatever one side has to say in one tick goes out in one write (a batch of runs,
 * their results, their log lines). Each side checks every frame it receives (types, sizes,
 * counts) before acting on it: the server kills a runner that sends one that does not check
 * out; the runner ignores and reports such frames.
 */
import type { BootstrapLimits } from './bootstrap.ts';

/** sandbox (one per flow), script (one per node) and run (one per message) ids are integers */
export type ToRunner =
  | { t: 'open'; sid: number; memoryMb: number; limits: BootstrapLimits }
  | { t: 'close'; sid: number }
  | { t: 'compile'; sid: number; scid: number; code: string; name: string }
  | { t: 'release'; sid: number; scid: number }
  /** runs `count` messages (`input` = '[msg,…]'); message i is run `first + i` */
  | { t: 'batch'; sid: number; scid: number; first: number; count: number; timeoutMs: number; input: string }
  /** a pending run ended on the server (cancelled): forget its timers */
  | { t: 'cancel'; sid: number; scid: number; token: number }
  /** the answer to a host call: a JSON string, nothing, or an error thrown into the script */
  | { t: 'reply'; cid: number; value?: string; error?: { name: string; message: string } }
  | { t: 'ping'; seq: number };

export type FromRunner =
  | { t: 'ready'; pid: number }
  /** outcomes of messages `index`… of the batch that starts at run `first` (outcome.ts packLines) */
  | { t: 'lines'; first: number; index: number; kinds: string; values: string }
  /** the outcome of a run that was pending */
  | { t: 'settle'; token: number; line: string }
  | { t: 'log'; token: number; level: number; text: string }
  /** a host call of a run (ctx.state, ctx.flow…); answered with a reply */
  | { t: 'call'; cid: number; token: number; op: string; a?: string; b?: string }
  /** `busy`: [sandbox id, ms its isolate has been running the current entry, that entry's limit] */
  | { t: 'pong'; seq: number; busy: [number, number, number][] }
  /** the isolate of a sandbox died of its memory limit (its pending runs failed) */
  | { t: 'lost'; sid: number };

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isOptText = (v: unknown, max: number): boolean => v === undefined || isText(v, max);

/** what one frame's lines may hold (the runner sends batches with big results in parts) */
export const MAX_LINE_CHARS = 1024 * 1024 * 1024;
const MAX_LOG_TEXT = 64 * 1024;
const MAX_CALL_ARG = 1024 * 1024 * 1024;

/** The frames of a runner's message, or undefined for each frame that does not check out. */
export function checkFromRunner(frame: unknown): FromRunner | undefined {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return undefined;
  const f = frame as Record<string, unknown>;
  switch (f['t']) {
    case 'ready':
      return isId(f['pid']) ? (f as FromRunner) : undefined;
    case 'lines':
      return isId(f['first']) && isId(f['index']) && isText(f['kinds'], 100_000) && /^[vupex]+$/.test(f['kinds'] as string)
        && isText(f['values'], MAX_LINE_CHARS) ? (f as FromRunner) : undefined;
    case 'settle':
      return isId(f['token']) && isText(f['line'], MAX_LINE_CHARS) && (f['line'] as string).length > 0 ? (f as FromRunner) : undefined;
    case 'log':
      return isId(f['token']) && isId(f['level']) && (f['level'] as number) <= 3 && isText(f['text'], MAX_LOG_TEXT)
        ? (f as FromRunner) : undefined;
    case 'call':
      return isId(f['cid']) && isId(f['token']) && isText(f['op'], 64) && isOptText(f['a'], MAX_CALL_ARG) && isOptText(f['b'], MAX_CALL_ARG)
        ? (f as FromRunner) : undefined;
    case 'pong': {
      const busy = f['busy'];
      if (!isId(f['seq']) || !Array.isArray(busy) || busy.length > 100_000) return undefined;
      for (const entry of busy) {
        if (!Array.isArray(entry) || entry.length !== 3 || !isId(entry[0]) || !isId(entry[1]) || !isId(entry[2])) return undefined;
      }
      return f as FromRunner;
    }
    case 'lost':
      return isId(f['sid']) ? (f as FromRunner) : undefined;
    default:
      return undefined;
  }
}

/** The runner's side of the same check. */
export function checkToRunner(frame: unknown): ToRunner | undefined {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return undefined;
  const f = frame as Record<string, unknown>;
  switch (f['t']) {
    case 'open': {
      const limits = f['limits'] as Record<string, unknown> | null;
      if (!isId(f['sid']) || !isId(f['memoryMb']) || typeof limits !== 'object' || limits === null) return undefined;
      for (const key of ['messageChars', 'stateChars', 'flowChars', 'logLines', 'logLineChars', 'logRunChars']) {
        if (!isId(limits[key])) return undefined;
      }
      return f as ToRunner;
    }
    case 'close':
      return isId(f['sid']) ? (f as ToRunner) : undefined;
    case 'compile':
      return isId(f['sid']) && isId(f['scid']) && isText(f['code'], 10_000_000) && isText(f['name'], 1000) ? (f as ToRunner) : undefined;
    case 'release':
      return isId(f['sid']) && isId(f['scid']) ? (f as ToRunner) : undefined;
    case 'batch':
      return isId(f['sid']) && isId(f['scid']) && isId(f['first']) && isId(f['count']) && (f['count'] as number) > 0
        && isId(f['timeoutMs']) && typeof f['input'] === 'string' ? (f as ToRunner) : undefined;
    case 'cancel':
      return isId(f['sid']) && isId(f['scid']) && isId(f['token']) ? (f as ToRunner) : undefined;
    case 'reply': {
      const error = f['error'] as Record<string, unknown> | undefined;
      if (!isId(f['cid']) || !isOptText(f['value'], MAX_CALL_ARG)) return undefined;
      if (error !== undefined && (typeof error !== 'object' || error === null || !isText(error['name'], 200) || !isText(error['message'], 100_000))) return undefined;
      return f as ToRunner;
    }
    case 'ping':
      return isId(f['seq']) ? (f as ToRunner) : undefined;
    default:
      return undefined;
  }
}
