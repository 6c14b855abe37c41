/**
 * `npm run bench:engine`: Tributary's engine side by side with Node-RED 4 (installed from npm into
 * bench/.work on first run), same machine, same run, one side after the other, each in its own
 * process. Prints a table of both figures and their ratio (Tributary ÷ Node-RED), plus the ratio
 * of CPU time per message, which shared or busy machines disturb less. See bench/README.md.
 */
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { TraceMode } from '../../core/flow-types.ts';
import { ensureNodeRed, SCRATCH_DIR, WORK_DIR, type NodeRedInstall } from '../lib/node-red.ts';
import { load, type LoadResult } from '../lib/load.ts';
import { parseOptions, USAGE, type BenchOptions } from '../lib/options.ts';
import { tscBuild, tsxBuild, type TributaryBuild } from '../lib/build.ts';
import { nodeRedChainRun, startNodeRedServer, startTributaryServer, tributaryChainRun, type ChainResult, type ServerSide } from './sides.ts';
import type { ChainKind } from './flows.ts';

interface Row {
  part: string;
  what: string;
  trace: TraceMode;
  nodeRed: number;
  tributary: number;
  unit: string;
  /** Tributary ÷ Node-RED of the figure (for memory: lower is better) */
  ratio: number;
  /** CPU µs per message/request of each side, and Node-RED ÷ Tributary of them (higher is better) */
  cpu?: { nodeRed: number; tributary: number; ratio: number };
  target: string;
  met: boolean;
  note?: string;
}

const MiB = 1024 * 1024;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function machine(red: NodeRedInstall): Record<string, string> {
  const model = /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { cpus: String(cpus().length), cpu: model, node: process.version, nodeRed: red.version, date: new Date().toISOString() };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** the better of two chain results: highest rate; lowest CPU per message */
function best(a: ChainResult | undefined, b: ChainResult): ChainResult {
  if (!a) return b;
  return { ...(b.rate > a.rate ? b : a), cpuSeconds: Math.min(a.cpuSeconds, b.cpuSeconds) };
}

async function chain(o: BenchOptions, red: NodeRedInstall, build: TributaryBuild, kind: ChainKind, rows: Row[]): Promise<void> {
  const job = { messages: o.messages, warmup: o.warmup, batch: o.batch };
  const part = kind === 'set' ? 'a' : 'b';
  const theirs = kind === 'set' ? 'change' : 'function';
  let nr: ChainResult | undefined;
  const tr = new Map<TraceMode, ChainResult>();
  for (let round = 1; round <= o.repeat; round++) {
    const of = o.repeat > 1 ? ` (round ${round}/${o.repeat})` : '';
    log(`(${part}) Node-RED: ${fmt(o.messages)} messages through 10 ${theirs} nodes${of}…`);
    const r = await nodeRedChainRun(red, kind, job);
    log(`    ${fmt(r.rate)} msgs/s, ${fmt(r.cpuSeconds, 2)} s CPU`);
    nr = best(nr, r);
    for (const trace of o.trace) {
      log(`(${part}) Tributary: ${fmt(o.messages)} runs through 10 ${kind} nodes, trace ${trace}${of}…`);
      const t = await tributaryChainRun(build, kind, trace, job);
      const stored = trace === 'off' ? '' : `; stored ${fmt(t.runsStored ?? 0)} runs, ${fmt(t.stepsStored ?? 0)} steps`;
      log(`    ${fmt(t.rate)} msgs/s, ${fmt(t.cpuSeconds, 2)} s CPU${stored}`);
      tr.set(trace, best(tr.get(trace), t));
    }
  }
  if (!nr) return;
  const need = kind === 'set' ? 3 : 2;
  for (const trace of o.trace) {
    const t = tr.get(trace)!;
    const ratio = t.rate / nr.rate;
    const cpuNr = (nr.cpuSeconds * 1e6) / o.messages;
    const cpuT = (t.cpuSeconds * 1e6) / o.messages;
    rows.push({
      part, what: `${fmt(o.messages)} msgs, 10 ${kind} vs 10 ${theirs}`, trace, nodeRed: nr.rate, tributary: t.rate, unit: 'msgs/s',
      ratio, cpu: { nodeRed: cpuNr, tributary: cpuT, ratio: cpuNr / cpuT }, target: `≥ ${need}×`, met: ratio >= need,
      ...(trace === 'off' ? {} : { note: storedNote(trace, t) }),
    });
  }
}

function storedNote(trace: TraceMode, t: ChainResult): string {
  const stored = `${fmt(t.runsStored ?? 0)} runs, ${fmt(t.stepsStored ?? 0)} steps stored in SQLite (warm-up included)`;
  if (trace === 'full') return `every run traced: ${stored}`;
  if (trace === 'sampled') return `a sample of the runs (settings.traceSample, default 10 %) and every run that did not succeed is kept: ${stored}`;
  return `only runs that did not succeed are kept: ${stored}`;
}

interface ServerFigures {
  rss?: number;
  load?: LoadResult;
  /** CPU µs of the server per timed request */
  cpuPerRequest?: number;
  /** requests answered in warm-up and timed load together */
  answered?: number;
  traced?: { runs: number; steps: number };
}

async function serverRun(o: BenchOptions, start: () => Promise<ServerSide>, wantRss: boolean, wantLoad: boolean): Promise<ServerFigures> {
  const side = await start();
  const out: ServerFigures = {};
  try {
    if (wantRss) {
      log(`    ${side.name}: idling ${o.idle} s for the RSS reading…`);
      const m = await side.child.ask({ type: 'rss', idleMs: o.idle * 1000 });
      out.rss = Number(m['rss']);
      log(`    ${side.name}: ${fmt(out.rss / MiB, 1)} MiB RSS, JS heap used ${fmt(Number(m['heapUsed']) / MiB, 1)} MiB`);
    }
    if (wantLoad) {
      const before = side.traced ? await side.traced() : undefined;
      const warm = o.httpWarmup > 0 ? await load(side.hookUrl, { n: 1 }, o.connections, o.httpWarmup) : undefined;
      const cpu0 = await side.cpu();
      const r = await load(side.hookUrl, { n: 1 }, o.connections, o.duration);
      out.cpuPerRequest = (await side.cpu() - cpu0) / Math.max(1, r.requests);
      out.load = r;
      out.answered = r.requests + (warm?.requests ?? 0);
      if (side.traced && before) {
        const after = await side.traced();
        out.traced = { runs: after.runs - before.runs, steps: after.steps - before.steps };
      }
      const bad = r.errors + r.non2xx;
      log(`    ${side.name}: ${fmt(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${fmt(out.cpuPerRequest)} µs CPU/request` +
        `${bad ? `, ${bad} FAILED` : ''}` +
        (out.traced ? `; stored ${fmt(out.traced.runs)} runs, ${fmt(out.traced.steps)} steps for ${fmt(out.answered)} requests (warm-up + timed)` : ''));
    }
  } finally {
    await side.close();
  }
  return out;
}

function better(a: ServerFigures | undefined, b: ServerFigures): ServerFigures {
  if (!a) return b;
  const pick = a.load && b.load && b.load.rps > a.load.rps ? b : a;
  const cpu = Math.min(a.cpuPerRequest ?? Infinity, b.cpuPerRequest ?? Infinity);
  const rss = Math.min(a.rss ?? Infinity, b.rss ?? Infinity);
  return { ...pick, ...(Number.isFinite(rss) ? { rss } : {}), ...(Number.isFinite(cpu) ? { cpuPerRequest: cpu } : {}) };
}

async function servers(o: BenchOptions, red: NodeRedInstall, build: TributaryBuild, rows: Row[]): Promise<void> {
  const wantLoad = o.only.includes('c');
  const wantRss = o.only.includes('d');
  const timeoutMs = 120_000 + (o.idle + o.duration + o.httpWarmup) * 1000;
  const traces: TraceMode[] = wantLoad ? o.httpTrace : ['full'];
  let nr: ServerFigures | undefined;
  const tr = new Map<TraceMode, ServerFigures>();
  for (let round = 1; round <= o.repeat; round++) {
    const of = o.repeat > 1 ? ` (round ${round}/${o.repeat})` : '';
    log(`(${wantLoad ? 'c' : ''}${wantRss ? 'd' : ''}) Node-RED server, http in → function → http response${of}…`);
    nr = better(nr, await serverRun(o, () => startNodeRedServer(red, timeoutMs), wantRss, wantLoad));
    for (const [i, trace] of traces.entries()) {
      log(`(${wantLoad ? 'c' : ''}${wantRss ? 'd' : ''}) Tributary server, http-in → script → http-response, trace ${trace}${of}…`);
      const t = await serverRun(o, () => startTributaryServer(build, trace, timeoutMs), wantRss && i === 0, wantLoad);
      tr.set(trace, better(tr.get(trace), t));
    }
  }
  if (!nr) return;
  for (const trace of traces) {
    const t = tr.get(trace)!;
    if (nr.load && t.load) {
      const ratio = t.load.rps / nr.load.rps;
      const cpu = nr.cpuPerRequest !== undefined && t.cpuPerRequest !== undefined
        ? { nodeRed: nr.cpuPerRequest, tributary: t.cpuPerRequest, ratio: nr.cpuPerRequest / t.cpuPerRequest } : undefined;
      rows.push({
        part: 'c', what: `HTTP POST, ${o.connections} conns, ${o.duration} s`, trace, nodeRed: nr.load.rps, tributary: t.load.rps,
        unit: 'req/s', ratio, ...(cpu ? { cpu } : {}), target: '≥ 1×', met: ratio >= 1 && t.load.errors + t.load.non2xx === 0,
        note: `latency p50/p99: Node-RED ${nr.load.p50}/${nr.load.p99} ms, Tributary ${t.load.p50}/${t.load.p99} ms` +
          `; failed requests: Node-RED ${nr.load.errors + nr.load.non2xx}, Tributary ${t.load.errors + t.load.non2xx}` +
          (t.traced ? `; Tributary stored ${fmt(t.traced.runs)} runs / ${fmt(t.traced.steps)} steps for ${fmt(t.answered ?? 0)} requests answered (warm-up + timed)` : ''),
      });
    }
    if (nr.rss !== undefined && t.rss !== undefined) {
      const ratio = t.rss / nr.rss;
      rows.push({
        part: 'd', what: 'idle RSS, server + 1 HTTP flow', trace, nodeRed: nr.rss / MiB, tributary: t.rss / MiB, unit: 'MiB',
        ratio, target: '≤ 1×', met: ratio <= 1,
        note: `after start, deploy via REST, one request, GC, ${o.idle} s idle, GC${o.repeat > 1 ? `; lowest of ${o.repeat} rounds` : ''}`,
      });
    }
  }
}

function table(rows: Row[]): string {
  const lines = [
    '| part | what | Tributary trace | Node-RED | Tributary | unit | ratio T/NR | target | met | CPU µs/msg NR / T | CPU ratio NR/T |',
    '|---|---|---|---:|---:|---|---:|---|---|---:|---:|',
  ];
  for (const r of rows) {
    const digits = r.unit === 'MiB' ? 1 : 0;
    const cpu = r.cpu ? `${fmt(r.cpu.nodeRed, 1)} / ${fmt(r.cpu.tributary, 1)} | ${fmt(r.cpu.ratio, 2)}×` : '— | —';
    lines.push(`| ${r.part} | ${r.what} | ${r.trace} | ${fmt(r.nodeRed, digits)} | ${fmt(r.tributary, digits)} | ${r.unit} | ${fmt(r.ratio, 2)}× | ${r.target} | ${r.met ? 'yes' : 'no'} | ${cpu} |`);
  }
  const notes = rows.filter((r) => r.note).map((r) => `- (${r.part}, trace ${r.trace}) ${r.note}`);
  return [...lines, '', ...notes].join('\n');
}

async function main(): Promise<void> {
  let o: BenchOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`${message}\n`);
    process.exit(message === USAGE ? 0 : 2);
  }
  mkdirSync(WORK_DIR, { recursive: true });
  // what an interrupted run left behind
  rmSync(SCRATCH_DIR, { recursive: true, force: true });
  mkdirSync(SCRATCH_DIR, { recursive: true });
  const red = ensureNodeRed(log);
  const info = machine(red);
  const load0 = loadavg()[0] ?? 0;
  log(`machine: ${info.cpus} × ${info.cpu}, node ${info.node}, Node-RED ${info.nodeRed}, load average ${load0.toFixed(2)}`);
  if (load0 > 0.5 * cpus().length) log('warning: the machine is busy; figures will be noisy (the CPU-time ratios less so)');
  const build = o.compiled ? tscBuild(log) : tsxBuild;
  const rows: Row[] = [];
  if (o.only.includes('a')) await chain(o, red, build, 'set', rows);
  if (o.only.includes('b')) await chain(o, red, build, 'script', rows);
  if (o.only.includes('c') || o.only.includes('d')) await servers(o, red, build, rows);

  const command = `npm run bench:engine${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const how = build.name === 'tsx' ? 'Tributary from source via tsx (as npm start runs it)' : 'Tributary compiled with tsc (no tsx)';
  const loads = `load average before/after ${load0.toFixed(2)}/${(loadavg()[0] ?? 0).toFixed(2)}`;
  process.stdout.write(`\n${command}\n${info.date} · ${info.cpus} × ${info.cpu} · node ${info.node} · Node-RED ${info.nodeRed} · ${how} · ${loads}\n\n${table(rows)}\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ command, machine: info, build: build.name, options: o, rows }, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
