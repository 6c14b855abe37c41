/**
 * `npm run bench:sync`: rows per second copying MariaDB → PostgreSQL, three ways in one run:
 * (i) a hand-written mysql2 → pg batched copy (the physical limit), (ii) the batched flow
 * timer → mysql select (pages) → postgres insert (arrays), (iii) the per-row flow
 * timer → mysql select → loop → postgres insert. The source is seeded once; the target is
 * truncated before each variant and checked against the source after it. See bench/README.md.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { baselineCopy } from './baseline.ts';
import { EngineSide } from './engine-side.ts';
import { batchedFlow, perRowFlow } from './flows.ts';
import { parseOptions, type SyncOptions, type Variant } from './options.ts';
import {
  createTarget, dropSource, dropTarget, openTables, seedSource, sourceDigest, targetDigest, truncateTarget, type Tables,
} from './tables.ts';

interface Result {
  variant: Variant;
  what: string;
  rows: number;
  /** of the best run */
  seconds: number;
  rowsPerSecond: number;
  cpuSeconds: number;
  peakRssMiB: number;
  trace: string;
  /** the target matched the source (count, max id, sums of amount, note length, created) */
  verified: boolean;
  note?: string;
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function machine(): Record<string, string> {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    /* not Linux */
  }
  return {
    cpus: String(cpus().length), cpu: model, memoryGiB: String(Math.round(totalmem() / 2 ** 30)), node: process.version,
    load: loadavg().map((l) => l.toFixed(2)).join(' '), date: new Date().toISOString(),
  };
}

async function verify(t: Tables, rows: number, r: Omit<Result, 'verified'>): Promise<Result> {
  const [want, got] = await Promise.all([sourceDigest(t, rows), targetDigest(t)]);
  const verified = JSON.stringify(want) === JSON.stringify(got);
  if (!verified) log(`  target differs from source: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
  return { ...r, verified };
}

async function runBaseline(t: Tables, o: SyncOptions, overlap: boolean): Promise<Result> {
  const cpu0 = process.cpuUsage();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  const t0 = performance.now();
  const rows = await baselineCopy(o.rows, o.batch, overlap).finally(() => clearInterval(sampler));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return verify(t, o.rows, {
    variant: overlap ? 'baseline' : 'serial',
    what: `mysql2 stream → pg multi-row INSERT × ${o.batch}${overlap ? ', next batch read while one is written' : ', read and write taking turns'}`,
    rows, seconds, rowsPerSecond: rows / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMiB: Math.round(peak / 2 ** 20), trace: '—',
  });
}

async function runFlow(t: Tables, side: EngineSide, o: SyncOptions, variant: 'batched' | 'perrow'): Promise<Result> {
  const rows = variant === 'batched' ? o.rows : o.perRowRows;
  const trace = variant === 'batched' ? o.trace : o.perRowTrace;
  const doc =
    variant === 'batched'
      ? batchedFlow({ ...side.connections, rows, pageSize: o.pageSize, batch: o.batch, trace })
      : perRowFlow({ ...side.connections, rows, trace });
  const stepsBefore = side.stepCount();
  const r = await side.runOnce(doc);
  if (r.status !== 'succeeded') throw new Error(`${variant} flow run ${r.status}: ${r.error ?? ''}`);
  const steps = side.stepCount() - stepsBefore;
  return verify(t, rows, {
    variant,
    what:
      variant === 'batched'
        ? `timer → mysql select (pageSize ${o.pageSize}) → postgres insert (batchSize ${o.batch})`
        : 'timer → mysql select → loop → postgres insert (one row each)',
    rows, seconds: r.seconds, rowsPerSecond: rows / r.seconds, cpuSeconds: r.cpuSeconds, peakRssMiB: r.peakRssMiB, trace,
    note: `${fmt(steps)} steps traced`,
  });
}

function table(results: Result[]): string {
  const base = results.find((r) => r.variant === 'baseline');
  const lines = [
    '| variant | rows | seconds | rows/s | vs baseline | CPU s (this process) | peak RSS MiB | trace | target = source |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of results) {
    const ratio = base && r !== base ? `${fmt((100 * r.rowsPerSecond) / base.rowsPerSecond, 1)} %` : r === base ? '100 %' : '—';
    lines.push(
      `| ${r.variant}: ${r.what} | ${fmt(r.rows)} | ${fmt(r.seconds, 2)} | ${fmt(r.rowsPerSecond)} | ${ratio} | ${fmt(r.cpuSeconds, 2)} | ${r.peakRssMiB} | ${r.trace}${r.note ? ` (${r.note})` : ''} | ${r.verified ? 'yes' : 'NO'} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let o: SyncOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const m = machine();
  log(`bench:sync ${JSON.stringify(o)}\nmachine ${JSON.stringify(m)}`);
  const t = await openTables();
  let side: EngineSide | undefined;
  const results: Result[] = [];
  try {
    const seeded = await seedSource(t, o.rows);
    log(seeded > 0 ? `seeded ${fmt(o.rows)} source rows in ${fmt(seeded, 1)} s` : `source already holds ${fmt(o.rows)} rows`);
    await createTarget(t);
    const best = new Map<Variant, Result>();
    for (let round = 1; round <= o.repeat; round++) {
      for (const variant of o.only) {
        if (variant === 'perrow' && round > 1) continue; // minutes per run, and far from the others: once is enough
        await truncateTarget(t);
        log(`running ${variant}${o.repeat > 1 ? ` (round ${round} of ${o.repeat})` : ''}…`);
        let r: Result;
        if (variant === 'baseline' || variant === 'serial') r = await runBaseline(t, o, variant === 'baseline');
        else {
          side ??= await EngineSide.start();
          r = await runFlow(t, side, o, variant);
        }
        log(`  ${fmt(r.rows)} rows in ${fmt(r.seconds, 2)} s = ${fmt(r.rowsPerSecond)} rows/s, ${fmt(r.cpuSeconds, 2)} CPU s${r.verified ? '' : ' (TARGET DIFFERS)'}`);
        const prev = best.get(variant);
        if (!r.verified) results.push(r); // a wrong copy is shown whatever its speed
        else if (!prev || r.rowsPerSecond > prev.rowsPerSecond) best.set(variant, r);
      }
    }
    results.push(...best.values());
  } finally {
    await side?.close();
    await dropTarget(t);
    if (!o.keepSource) await dropSource(t);
    await t.close();
  }

  const base = results.find((r) => r.variant === 'baseline');
  const batched = results.find((r) => r.variant === 'batched');
  const ratio = base && batched ? batched.rowsPerSecond / base.rowsPerSecond : undefined;
  process.stdout.write(`\n${table(results)}\n\n`);
  if (ratio !== undefined)
    process.stdout.write(`batched flow / baseline = ${fmt(100 * ratio, 1)} % (target ≥ 80 %: ${ratio >= 0.8 ? 'met' : 'MISSED'}); batched flow trace mode: ${o.trace}\n`);
  process.stdout.write(`machine: ${m['cpus']} × ${m['cpu']}, ${m['memoryGiB']} GiB, Node ${m['node']}, load ${m['load']}, ${m['date']}\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ options: o, machine: m, results, batchedVsBaseline: ratio }, null, 2));
  if (results.some((r) => !r.verified)) process.exitCode = 1;
}

await main();
