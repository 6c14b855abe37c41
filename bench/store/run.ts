/**
 * Throughput of the engine port: N runs × S steps through runStarted + runFinished.
 * `node --import tsx bench/store/run.ts [runs] [steps] [flushIntervalMs]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import { openStore } from '../../server/store/store.ts';

const runs = Number(process.argv[2] ?? 20000);
const stepsPerRun = Number(process.argv[3] ?? 10);
const flushIntervalMs = Number(process.argv[4] ?? 20);
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tributary-bench-'));
const store = openStore({ dataDir: dir, runs: { flushIntervalMs } });
try {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const startedAt = new Date(Date.UTC(2025, 0, 1) + i).toISOString();
    const run: RunRecord = {
      id: `r_${i}`, flowId: `f_${i % 10}`, flowVersion: 1,
      trigger: { nodeId: 't', type: 'timer', kind: 'schedule' }, status: 'running', startedAt,
    };
    store.runs.runStarted(run);
    const steps: StepRecord[] = [];
    for (let s = 0; s < stepsPerRun; s++) {
      steps.push({
        nodeId: `n${s}`, status: 'succeeded', startedAt, endedAt: startedAt,
        input: { payload: { id: i, name: 'row', amount: 12.5 } }, output: { payload: { id: i, ok: true } },
      });
    }
    store.runs.runFinished({ ...run, status: 'succeeded', endedAt: startedAt }, steps, [
      { flowId: run.flowId, nodeId: 'n0', key: 'watermark', value: i },
    ]);
  }
  store.flush();
  const ms = performance.now() - t0;
  const count = store.db.prepare('SELECT COUNT(*) FROM steps').pluck().get();
  console.log(`${runs} runs × ${stepsPerRun} steps (flushIntervalMs=${flushIntervalMs}): ${ms.toFixed(0)} ms, ` +
    `${Math.round(runs / (ms / 1000))} runs/s, ${String(count)} steps stored`);
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
