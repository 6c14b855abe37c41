/** Command-line options of bench/sync/run.ts. */
import type { TraceMode } from '../../core/flow-types.ts';

export type Variant = 'baseline' | 'batched' | 'perrow' | 'serial';
/** run by default; `serial` (the baseline without overlapping reads and writes) is a diagnostic, on request */
export const VARIANTS: Variant[] = ['baseline', 'batched', 'perrow'];
const ALL_VARIANTS: Variant[] = [...VARIANTS, 'serial'];
const TRACES: TraceMode[] = ['full', 'sampled', 'errors', 'off'];

export interface SyncOptions {
  rows: number;
  /** rows copied by the per-row flow (default: all) */
  perRowRows: number;
  only: Variant[];
  /** rows per INSERT of the baseline and batchSize of the flows */
  batch: number;
  /** pageSize of the batched flow's select */
  pageSize: number;
  trace: TraceMode;
  perRowTrace: TraceMode;
  /** keep the source table between invocations (reseeded only when its row count differs) */
  keepSource: boolean;
  /** runs of each variant (interleaved); the best counts */
  repeat: number;
  json?: string;
}

export const USAGE = `npm run bench:sync -- [options]
  --rows N              rows copied MariaDB → PostgreSQL (default 1000000)
  --per-row-rows N      rows copied by the per-row flow (default: --rows)
  --only a,b            variants: baseline, batched, perrow (default all); serial = the baseline
                        reading and writing one after the other (diagnostic)
  --repeat N            runs of each variant but perrow, interleaved; the best one counts (default 1)
  --batch N             rows per INSERT / batchSize (default 1000)
  --page-size N         select pageSize of the batched flow (default 5000)
  --trace MODE          trace mode of the batched flow: full, sampled, errors, off (default full)
  --per-row-trace MODE  trace mode of the per-row flow (default errors; see bench/README.md)
  --keep-source         leave the source table for the next invocation
  --json FILE           also write the results as JSON`;

function positive(value: string, name: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!allowed.includes(value as T)) throw new Error(`--${name}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

export function parseOptions(argv: string[]): SyncOptions {
  const o: SyncOptions = {
    rows: 1_000_000, perRowRows: 0, only: VARIANTS, batch: 1000, pageSize: 5000, trace: 'full', perRowTrace: 'errors', keepSource: false, repeat: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    if (arg === '--keep-source') {
      o.keepSource = true;
      continue;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    switch (flag) {
      case '--rows': o.rows = positive(value, 'rows'); break;
      case '--per-row-rows': o.perRowRows = positive(value, 'per-row-rows'); break;
      case '--only': o.only = value.split(',').filter(Boolean).map((v) => oneOf(v.trim(), ALL_VARIANTS, 'only')); break;
      case '--batch': o.batch = positive(value, 'batch'); break;
      case '--page-size': o.pageSize = positive(value, 'page-size'); break;
      case '--trace': o.trace = oneOf(value, TRACES, 'trace'); break;
      case '--per-row-trace': o.perRowTrace = oneOf(value, TRACES, 'per-row-trace'); break;
      case '--repeat': o.repeat = positive(value, 'repeat'); break;
      case '--json': o.json = value; break;
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (o.perRowRows === 0 || o.perRowRows > o.rows) o.perRowRows = o.rows;
  return o;
}
