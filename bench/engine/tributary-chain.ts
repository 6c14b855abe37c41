/**
 * Child process of benchmarks (a) and (b), Tributary side: the real engine with the real store
 * (SQLite in a temp dir, batched run writer) and the real node runtimes. Every message is its
 * own run fired through the inject node, as each Node-RED message is independent; run
 * bookkeeping and tracing are counted. Time runs from the first fire to the last run's end
 * plus the final store flush, so every trace of a traced run is on disk.
 *   argv[2]: JSON { kind, trace, messages, warmup, batch }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceMode } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { SchemaChecker } from '../../core/schema-check.ts';
import { Engine } from '../../server/engine/engine.ts';
import { silentEvents } from '../../server/engine/events.ts';
import { HookTable } from '../../server/engine/hook-table.ts';
import type { ConnectionProvider, NodeRuntime } from '../../server/engine/node-api.ts';
import { createLogger } from '../../server/log.ts';
import { makeMasker } from '../../server/secrets/mask.ts';
import { openStore } from '../../server/store/store.ts';
import { injectSpec } from '../../nodes/inject/spec.ts';
import { injectRuntime } from '../../nodes/inject/runtime.ts';
import { setSpec } from '../../nodes/set/spec.ts';
import { setRuntime } from '../../nodes/set/runtime.ts';
import { childMain, exitWhenSent, tell } from '../lib/ipc.ts';
import { runnerUsage } from '../lib/runners.ts';
import { tributaryChain, type ChainKind } from './flows.ts';

interface Job { kind: ChainKind; trace: TraceMode; messages: number; warmup: number; batch: number }

const noConnections: ConnectionProvider = {
  acquire: () => Promise.reject(new Error('no connections in this benchmark')),
  query: () => Promise.reject(new Error('no connections in this benchmark')),
  secretValues: () => [],
};

async function nodeTypes(kind: ChainKind): Promise<{ specs: NodeSpec[]; runtimes: NodeRuntime[] }> {
  const specs = [injectSpec, setSpec];
  const runtimes = [injectRuntime, setRuntime];
  if (kind === 'script') {
    // loaded only here so (a) runs even where the script node is not built yet
    const spec = (await import('../../nodes/script/spec.ts')) as { scriptSpec: NodeSpec };
    const runtime = (await import('../../nodes/script/runtime.ts')) as { scriptRuntime: NodeRuntime };
    specs.push(spec.scriptSpec);
    runtimes.push(runtime.scriptRuntime);
  }
  return { specs, runtimes };
}

childMain(async () => {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const dataDir = mkdtempSync(join(process.env['BENCH_TMP'] ?? tmpdir(), 'tributary-bench-'));
  const store = openStore({ dataDir });
  try {
    const { specs, runtimes } = await nodeTypes(job.kind);
    // as the server builds it (bootstrap.ts): one masker per set of secrets, here none
    const masker = makeMasker(noConnections.secretValues());
    const engine = new Engine({
      specs: new Map(specs.map((s) => [s.type, s])),
      runtimes: new Map(runtimes.map((r) => [r.type, r])),
      store: store.runs,
      connections: noConnections,
      events: silentEvents,
      hooks: new HookTable(),
      log: createLogger({ level: 'warn' }),
      masker: () => masker,
      checker: new SchemaChecker(),
    });
    const doc = tributaryChain(job.kind, job.trace);
    const { id: flowId, version } = store.flows.create(doc, null);
    await engine.start(flowId, version, doc);

    let next = 0;
    const fire = async (count: number): Promise<void> => {
      for (let sent = 0; sent < count; ) {
        const n = Math.min(job.batch, count - sent);
        const done = new Array<Promise<{ status: string; error?: string }>>(n);
        for (let i = 0; i < n; i++) done[i] = engine.trigger(flowId, 'in', { id: next++, value: 42 }, true).done;
        for (const outcome of await Promise.all(done)) {
          if (outcome.status !== 'succeeded') throw new Error(`a run ${outcome.status}: ${outcome.error ?? ''}`);
        }
        sent += n;
      }
    };

    await fire(job.warmup);
    store.flush();
    // script nodes run in runner processes: their CPU time counts too
    const runners0 = runnerUsage();
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fire(job.messages);
    store.flush();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const runnerCpu = runnerUsage().cpuSeconds - runners0.cpuSeconds;

    // proof of what was traced (outside the timing)
    const runs = (store.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
    const steps = (store.db.prepare('SELECT count(*) AS n FROM steps').get() as { n: number }).n;
    await engine.shutdown(2000);
    tell({
      type: 'result',
      rate: job.messages / seconds,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6 + runnerCpu,
      rss: process.memoryUsage().rss,
      runsStored: runs,
      stepsStored: steps,
    });
  } finally {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  exitWhenSent();
});
