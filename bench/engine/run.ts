/**
 * `npm run bench:engine`: Tributary's engine side by side with Node-RED 4 (installed from npm into
 * bench/.work on first run), same machine, same run, one side after the other, each in its own
 * process. Prints a table of both figures and their ratio (Tributary ÷ Node-RED). See bench/README.md.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import type { TraceMode } from '../../core/flow-types.ts';
import { ensureNodeRed, WORK_DIR, type NodeRedInstall } from '../lib/node-red.ts';
import { load, type LoadResult } from '../lib/load.ts';
import { parseOptions, type BenchOptions } from '../lib/options.ts';
import { tscBuild, tsxBuild, type TributaryBuild } from '../lib/build.ts';
import { nodeRedChainRun, startNodeRedServer, startTributaryServer, tributaryChainRun, type ServerSide } from './sides.ts';
import { HTTP_PATH, type ChainKind } from './flows.ts';

interface Row {
  part: string;
  what: string;
  trace: TraceMode | '—';
  nodeRed: number;
  tributary: number;
  unit: string;
  /** Tributary ÷ Node-RED */
  ratio: number;
  target: string;
  met: boolean;
  note?: string;
}

const MiB = 1024 * 1024;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function machine(red: NodeRedInstall | undefined): Record<string, string> {
  const model = /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return { cpus: String(cpus().length), cpu: model, node: process.version, nodeRed: red?.version ?? '—', date: new Date().toISOString() };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function chain(o: BenchOptions, red: NodeRedInstall, build: TributaryBuild, kind: ChainKind, rows: Row[]): Promise<void> {
  const job = { messages: o.messages, warmup: o.warmup, batch: o.batch };
  const part = kind === 'set' ? 'a' : 'b';
  const theirs = kind === 'set' ? 'change' : 'function';
  log(`(${part}) Node-RED: ${o.messages} messages through 10 ${theirs} nodes…`);
  const nr = await nodeRedChainRun(red, kind, job);
  log(`    ${fmt(nr.rate)} msgs/s (${fmt(nr.cpuSeconds, 1)} s CPU)`);
  for (const trace of o.trace) {
    log(`(${part}) Tributary: ${o.messages} runs through 10 ${kind} nodes, trace ${trace}…`);
    const tr = await tributaryChainRun(build, kind, trace, job);
    const stored = trace === 'off' ? '' : `; stored ${fmt(tr.runsStored ?? 0)} runs, ${fmt(tr.stepsStored ?? 0)} steps`;
    log(`    ${fmt(tr.rate)} msgs/s (${fmt(tr.cpuSeconds, 1)} s CPU${stored})`);
    const ratio = tr.rate / nr.rate;
    const need = kind === 'set' ? 3 : 2;
    rows.push({
      part, what: `${o.messages} msgs, 10 ${kind} vs 10 ${theirs}`, trace, nodeRed: nr.rate, tributary: tr.rate, unit: 'msgs/s',
      ratio, target: `≥ ${need}×`, met: ratio >= need,
      note: `CPU s: NR ${fmt(nr.cpuSeconds, 1)}, T ${fmt(tr.cpuSeconds, 1)}${stored}`,
    });
  }
}

interface ServerFigures {
  rss?: number;
  load?: LoadResult;
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
      out.rss = Number((await side.child.ask({ type: 'rss', idleMs: o.idle * 1000 }))['rss']);
      log(`    ${side.name}: ${fmt(out.rss / MiB, 1)} MiB`);
    }
    if (wantLoad) {
      const before = side.traced ? await side.traced() : undefined;
      const warm = o.httpWarmup > 0 ? await load(side.hookUrl, { n: 1 }, o.connections, o.httpWarmup) : undefined;
      const r = await load(side.hookUrl, { n: 1 }, o.connections, o.duration);
      out.load = r;
      out.answered = r.requests + (warm?.requests ?? 0);
      if (side.traced && before) {
        const after = await side.traced();
        out.traced = { runs: after.runs - before.runs, steps: after.steps - before.steps };
      }
      const bad = r.errors + r.non2xx;
      log(`    ${side.name}: ${fmt(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${bad ? `, ${bad} FAILED` : ''}` +
        (out.traced ? `; stored ${fmt(out.traced.runs)} runs, ${fmt(out.traced.steps)} steps for ${fmt(out.answered ?? 0)} requests (warm-up + timed)` : ''));
    }
  } finally {
    await side.close();
  }
  return out;
}

async function servers(o: BenchOptions, red: NodeRedInstall, build: TributaryBuild, rows: Row[]): Promise<void> {
  const wantLoad = o.only.includes('c');
  const wantRss = o.only.includes('d');
  const timeoutMs = 120_000 + (o.idle + o.duration + o.httpWarmup) * 1000;
  log(`(${[wantLoad ? 'c' : '', wantRss ? 'd' : ''].join('')}) Node-RED server, http in → function → http response…`);
  const nr = await serverRun(o, () => startNodeRedServer(red, timeoutMs), wantRss, wantLoad);
  const traces: TraceMode[] = wantLoad ? o.httpTrace : ['full'];
  for (const [i, trace] of traces.entries()) {
    log(`Tributary server, http-in → script → http-response, trace ${trace}…`);
    const tr = await serverRun(o, () => startTributaryServer(build, trace, timeoutMs), wantRss && i === 0, wantLoad);
    if (nr.load && tr.load) {
      const ratio = tr.load.rps / nr.load.rps;
      rows.push({
        part: 'c', what: `HTTP POST /${HTTP_PATH}, ${o.connections} conns, ${o.duration} s`, trace, nodeRed: nr.load.rps, tributary: tr.load.rps,
        unit: 'req/s', ratio, target: '≥ 1×', met: ratio >= 1 && tr.load.errors + tr.load.non2xx === 0,
        note: `p50/p99 ms: NR ${nr.load.p50}/${nr.load.p99}, T ${tr.load.p50}/${tr.load.p99}` +
          `; failed: NR ${nr.load.errors + nr.load.non2xx}, T ${tr.load.errors + tr.load.non2xx}` +
          (tr.traced ? `; T stored ${fmt(tr.traced.runs)} runs / ${fmt(tr.traced.steps)} steps for ${fmt(tr.answered ?? 0)} requests (warm-up + timed)` : ''),
      });
    }
    if (nr.rss !== undefined && tr.rss !== undefined) {
      const ratio = tr.rss / nr.rss;
      rows.push({
        part: 'd', what: 'idle RSS, server + 1 HTTP flow', trace, nodeRed: nr.rss / MiB, tributary: tr.rss / MiB, unit: 'MiB',
        ratio, target: '≤ 1×', met: ratio <= 1, note: `after start, deploy, one request, GC, ${o.idle} s idle`,
      });
    }
  }
}

function table(rows: Row[]): string {
  const lines = [
    '| part | what | Tributary trace | Node-RED | Tributary | unit | ratio T/NR | target | met |',
    '|---|---|---|---:|---:|---|---:|---|---|',
  ];
  for (const r of rows) {
    const digits = r.unit === 'MiB' ? 1 : 0;
    lines.push(`| ${r.part} | ${r.what} | ${r.trace} | ${fmt(r.nodeRed, digits)} | ${fmt(r.tributary, digits)} | ${r.unit} | ${fmt(r.ratio, 2)}× | ${r.target} | ${r.met ? 'yes' : 'no'} |`);
  }
  const notes = rows.filter((r) => r.note).map((r) => `- (${r.part}, trace ${r.trace}) ${r.note}`);
  return [...lines, '', ...notes].join('\n');
}

async function main(): Promise<void> {
  let o: BenchOptions;
  try {
    o = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  mkdirSync(WORK_DIR, { recursive: true });
  const red = ensureNodeRed(log);
  const info = machine(red);
  log(`machine: ${info.cpus} × ${info.cpu}, node ${info.node}, Node-RED ${info.nodeRed}`);
  const build = o.compiled ? tscBuild(log) : tsxBuild;
  const rows: Row[] = [];
  if (o.only.includes('a')) await chain(o, red, build, 'set', rows);
  if (o.only.includes('b')) await chain(o, red, build, 'script', rows);
  if (o.only.includes('c') || o.only.includes('d')) await servers(o, red, build, rows);

  const command = `npm run bench:engine${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const how = build.name === 'tsx' ? 'Tributary from source via tsx (as npm start)' : 'Tributary compiled with tsc (no tsx)';
  process.stdout.write(`\n${command}\n${info.date} · ${info.cpus} × ${info.cpu} · node ${info.node} · Node-RED ${info.nodeRed} · ${how}\n\n${table(rows)}\n`);
  if (o.json) writeFileSync(o.json, JSON.stringify({ command, machine: info, build: build.name, options: o, rows }, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
