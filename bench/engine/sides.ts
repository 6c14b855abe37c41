/**
 * Starting each side of a benchmark in its own child process: the chain runs of (a)/(b) and the
 * HTTP servers of (c)/(d). Both servers get their flow deployed through their own REST API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowDocument, TraceMode } from '../../core/flow-types.ts';
import { Child } from '../lib/child.ts';
import { SCRATCH_DIR, type NodeRedInstall } from '../lib/node-red.ts';
import { ROOT, type TributaryBuild } from '../lib/build.ts';
import { nodeRedChain, nodeRedHttp, tributaryHttp, HTTP_PATH, type ChainKind } from './flows.ts';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/** BENCH_CPU_PROF=<dir>: every child writes a V8 CPU profile there (read with bench/lib/cpuprofile.ts) */
function profiled(flags: string[], side: string): string[] {
  const dir = process.env['BENCH_CPU_PROF'];
  return dir ? [...flags, '--cpu-prof', `--cpu-prof-dir=${join(dir, side)}`] : flags;
}
const ADMIN_PASSWORD = 'bench-owner-pass-1';

export interface ChainJob { messages: number; warmup: number; batch: number }
export interface ChainResult { rate: number; seconds: number; cpuSeconds: number; rss: number; runsStored?: number; stepsStored?: number }

/** generous but finite: a stuck side fails the bench instead of hanging it */
const chainTimeout = (job: ChainJob): number => 120_000 + (job.messages + job.warmup) * 3;

function resultOf(m: Record<string, unknown>): ChainResult {
  return m as unknown as ChainResult;
}

export async function nodeRedChainRun(red: NodeRedInstall, kind: ChainKind, job: ChainJob): Promise<ChainResult> {
  const userDir = mkdtempSync(join(SCRATCH_DIR, 'nr-chain-'));
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(nodeRedChain(kind)));
  const child = new Child(here('./node-red-chain.mjs'), [JSON.stringify({ ...job, nodeRedDir: red.dir, userDir })], {
    execArgv: profiled([], `node-red-${kind}`),
    timeoutMs: chainTimeout(job),
    label: `node-red ${kind === 'set' ? 'change' : 'function'} chain`,
    env: { NODE_RED_DISABLE_TELEMETRY: '1' },
  });
  try {
    return resultOf(await child.next('result'));
  } finally {
    await child.finish();
    rmSync(userDir, { recursive: true, force: true });
  }
}

export async function tributaryChainRun(build: TributaryBuild, kind: ChainKind, trace: TraceMode, job: ChainJob): Promise<ChainResult> {
  const child = new Child(build.script('bench/engine/tributary-chain.ts'), [JSON.stringify({ ...job, kind, trace })], {
    execArgv: profiled(build.flags, `tributary-${kind}-${trace}`),
    env: { BENCH_TMP: SCRATCH_DIR },
    cwd: ROOT,
    timeoutMs: chainTimeout(job),
    label: `tributary ${kind} chain (trace ${trace})`,
  });
  try {
    return resultOf(await child.next('result'));
  } finally {
    await child.finish();
  }
}

export interface ServerSide {
  name: string;
  /** the endpoint of the deployed flow */
  hookUrl: string;
  child: Child;
  /** CPU time the server process used so far, µs */
  cpu(): Promise<number>;
  /** runs and steps stored so far (Tributary only) */
  traced?: () => Promise<{ runs: number; steps: number }>;
  close(): Promise<void>;
}

async function cpuOf(child: Child): Promise<number> {
  const c = await child.ask({ type: 'cpu' });
  return Number(c['user']) + Number(c['system']);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function request(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/** polls until `ok` holds, or fails after `timeoutMs` */
async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    try {
      if (await ok()) return;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last})` : ''}`);
}

/** the deployed flow answers {"n":1} with {"ok":true,"n":2} */
async function answersCorrectly(hookUrl: string): Promise<boolean> {
  const r = await request(hookUrl, { body: { n: 1 } });
  if (r.status !== 200) return false;
  const b = r.body as { ok?: unknown; n?: unknown };
  if (b.ok !== true || b.n !== 2) throw new Error(`unexpected answer ${JSON.stringify(r.body)}`);
  return true;
}

export async function startTributaryServer(build: TributaryBuild, trace: TraceMode, timeoutMs: number): Promise<ServerSide> {
  const child = new Child(build.script('bench/engine/tributary-server.ts'), [], {
    execArgv: profiled([...build.flags, '--expose-gc'], `tributary-server-${trace}`),
    cwd: ROOT,
    env: { BENCH_ADMIN_PASSWORD: ADMIN_PASSWORD, BENCH_TMP: SCRATCH_DIR },
    timeoutMs,
    label: `tributary server (trace ${trace})`,
  });
  try {
    const url = String((await child.next('ready'))['url']);
    const login = await request(`${url}/api/auth/login`, { body: { username: 'admin', password: ADMIN_PASSWORD } });
    const token = (login.body as { token?: string }).token;
    if (!token) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    const auth = { authorization: `Bearer ${token}` };
    const doc: FlowDocument = tributaryHttp(trace);
    const created = await request(`${url}/api/flows`, { body: doc, headers: auth });
    const id = (created.body as { id?: string }).id;
    if (created.status !== 201 || !id) throw new Error(`creating the flow failed: ${created.status} ${JSON.stringify(created.body)}`);
    const started = await request(`${url}/api/flows/${id}/start`, { method: 'POST', headers: auth });
    if (started.status >= 300) throw new Error(`starting the flow failed: ${started.status} ${JSON.stringify(started.body)}`);
    const hookUrl = `${url}/hooks/${HTTP_PATH}`;
    await until('the Tributary flow to answer', () => answersCorrectly(hookUrl));
    return {
      name: 'tributary',
      hookUrl,
      child,
      cpu: () => cpuOf(child),
      traced: async () => {
        const r = await child.ask({ type: 'runs' });
        return { runs: Number(r['runs']), steps: Number(r['steps']) };
      },
      close: () => child.stop(),
    };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

export async function startNodeRedServer(red: NodeRedInstall, timeoutMs: number): Promise<ServerSide> {
  const port = await freePort();
  const userDir = mkdtempSync(join(SCRATCH_DIR, 'nr-server-'));
  const child = new Child(red.cli, ['--settings', here('./node-red-settings.cjs'), '--userDir', userDir, '--port', String(port)], {
    execArgv: profiled(['--expose-gc'], 'node-red-server'),
    env: { BENCH_NODE_RED_DIR: red.dir, NODE_RED_DISABLE_TELEMETRY: '1' },
    timeoutMs,
    label: 'node-red server',
  });
  const close = async (): Promise<void> => {
    await child.stop();
    rmSync(userDir, { recursive: true, force: true });
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    await until('Node-RED to listen', async () => (await request(`${base}/flows`)).status === 200);
    const deployed = await request(`${base}/flows`, { body: nodeRedHttp(), headers: { 'Node-RED-Deployment-Type': 'full' } });
    if (deployed.status >= 300) throw new Error(`deploying the flow failed: ${deployed.status} ${JSON.stringify(deployed.body)}`);
    const hookUrl = `${base}/${HTTP_PATH}`;
    await until('the Node-RED flow to answer', () => answersCorrectly(hookUrl));
    return { name: 'node-red', hookUrl, child, cpu: () => cpuOf(child), close };
  } catch (err) {
    await close();
    throw err;
  }
}
