/** Command-line options of bench/engine/run.ts. */
import type { TraceMode } from '../../core/flow-types.ts';

export type Part = 'a' | 'b' | 'c' | 'd';
const PARTS: Part[] = ['a', 'b', 'c', 'd'];
const TRACES: TraceMode[] = ['full', 'sampled', 'errors', 'off'];

export interface BenchOptions {
  only: Part[];
  messages: number;
  warmup: number;
  batch: number;
  /** trace modes measured in (a) and (b) */
  trace: TraceMode[];
  /** trace modes measured in (c) */
  httpTrace: TraceMode[];
  connections: number;
  duration: number;
  httpWarmup: number;
  idle: number;
  /** rounds per side; the best of them is reported */
  repeat: number;
  /** run the Tributary side compiled with tsc instead of through tsx */
  compiled: boolean;
  json?: string;
}

export const USAGE = `npm run bench:engine -- [options]
  --only a,b,c,d        parts to run (a: 10 set vs 10 change, b: 10 script vs 10 function,
                        c: HTTP flow under load, d: idle RSS); default all
  --messages N          messages per chain run (default 200000)
  --warmup N            messages sent before timing (default 20000, at most --messages)
  --batch N             messages in flight per side (default 1000)
  --trace full,errors,off   Tributary trace modes for (a) and (b) (default all three)
  --http-trace full     Tributary trace modes for (c) (default full)
  --connections N       autocannon connections (default 50)
  --duration S          autocannon seconds (default 10), after --http-warmup S (default 3)
  --idle S              idle seconds before the RSS reading (default 15: V8 shrinks an idle heap ~8 s after the last activity)
  --repeat N            rounds, sides alternating; each side's best round counts (highest rate,
                        lowest CPU per message, lowest RSS) (default 1)
  --compiled            run Tributary compiled with tsc (bench/.work/dist) instead of via tsx
  --json FILE           also write the results as JSON`;

function list<T extends string>(value: string, allowed: readonly T[], name: string): T[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`--${name}: "${item}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    only: PARTS, messages: 200_000, warmup: 20_000, batch: 1000, trace: TRACES, httpTrace: ['full'],
    connections: 50, duration: 10, httpWarmup: 3, idle: 15, repeat: 1, compiled: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    if (arg === '--compiled') {
      o.compiled = true;
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    switch (flag) {
      case '--only': o.only = list(value, PARTS, 'only'); break;
      case '--messages': o.messages = Math.round(positive(value, 'messages')); break;
      case '--warmup': o.warmup = Math.round(Number(value)); break;
      case '--batch': o.batch = Math.round(positive(value, 'batch')); break;
      case '--trace': o.trace = list(value, TRACES, 'trace'); break;
      case '--http-trace': o.httpTrace = list(value, TRACES, 'http-trace'); break;
      case '--connections': o.connections = Math.round(positive(value, 'connections')); break;
      case '--duration': o.duration = positive(value, 'duration'); break;
      case '--http-warmup': o.httpWarmup = Number(value); break;
      case '--idle': o.idle = positive(value, 'idle'); break;
      case '--repeat': o.repeat = Math.round(positive(value, 'repeat')); break;
      case '--json': o.json = value; break;
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  o.warmup = Math.max(0, Math.min(o.warmup, o.messages));
  return o;
}
