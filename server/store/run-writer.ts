/**
 * The engine's persistence port (EngineStorePort). Calls are queued and written in batches —
 * one transaction per flush, every `flushIntervalMs` or `maxBatch` operations — because one
 * transaction per run caps throughput. If a batch fails, each operation is retried in its own
 * transaction, so a bad run never takes the others down and no run is ever half written.
 * `flushIntervalMs: 0` writes through: each call is its own transaction and throws on failure.
 */
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import type { EngineStorePort, StateWrite, TracedStep } from '../engine/store-port.ts';
import type Database from 'better-sqlite3';
import type { Db } from './db.ts';
import { prepareNodeState, type NodeStateStatements } from './node-state.ts';
import { fromJson, nowIso, toJson } from './util.ts';

type Statement<P extends unknown[]> = Database.Statement<P>;

export interface RunWriterOptions {
  /** max delay before queued writes hit the disk; 0 = write-through (default 20) */
  flushIntervalMs?: number;
  /** flush at once when this many operations are queued (default 500) */
  maxBatch?: number;
  /** a queued operation that could not be written (it was dropped whole) */
  onFlushError?: (failure: FlushFailure) => void;
}

/** `runId` is empty for a commitState operation */
export interface FlushFailure { runId: string; op: Op['kind']; error: Error }
export interface FlushResult { written: number; failed: FlushFailure[] }

interface RunRow {
  id: string; flowId: string; flowVersion: number; trigger: string; status: string;
  startedAt: string; endedAt: string | null; error: string | null;
  /** JSON of the run's TraceTruncation, when steps were left out */
  traceTruncated: string | null;
}
interface StepRow {
  seq: number; nodeId: string; iteration: number | null; status: string;
  startedAt: string; endedAt: string | null; data: string;
}
/** `json === null` deletes the key */
interface StateRow { flowId: string; nodeId: string; key: string; json: string | null }

type Op =
  | { kind: 'start'; run: RunRow }
  | { kind: 'finish'; run: RunRow; steps: StepRow[]; state: StateRow[] }
  | { kind: 'state'; state: StateRow[] };

type RunParams = [string, string, number, string, string, string, string | null, string | null];
type StepParams = [string, number, string, number | null, string, string, string | null, string];

const RUN_COLS = 'id, flow_id, flow_version, "trigger", status, started_at, ended_at, error';

function runRow(r: RunRecord): RunRow {
  return {
    id: r.id, flowId: r.flowId, flowVersion: r.flowVersion, trigger: toJson(r.trigger), status: r.status,
    startedAt: r.startedAt, endedAt: r.endedAt ?? null, error: r.error ?? null,
    traceTruncated: r.traceTruncated ? toJson(r.traceTruncated) : null,
  };
}

function stepRow(s: StepRecord | TracedStep, seq: number): StepRow {
  // undefined fields vanish in JSON, so only what the step has is stored
  const data = 'data' in s && typeof s.data === 'string' ? s.data : stepData(s as StepRecord);
  return {
    seq, nodeId: s.nodeId, iteration: s.iteration ?? null, status: s.status,
    startedAt: s.startedAt, endedAt: s.endedAt ?? null, data,
  };
}

function stepData(s: StepRecord): string {
  return toJson({
    input: s.input, output: s.output, error: s.error, params: s.params,
    iterationPath: s.iterationPath, attempts: s.attempts, logs: s.logs,
  });
}

function stateRows(writes: StateWrite[]): StateRow[] {
  return writes.map((w) => ({
    flowId: w.flowId, nodeId: w.nodeId, key: w.key, json: w.value === undefined ? null : toJson(w.value),
  }));
}

const stateKey = (flowId: string, nodeId: string): string => `${flowId}\u0000${nodeId}`;

export class RunWriter implements EngineStorePort {
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  private readonly onFlushError: (f: FlushFailure) => void;
  private queue: Op[] = [];
  /** state of queued successful runs, so loadNodeState sees it before it is flushed */
  private readonly overlay = new Map<string, Map<string, string | null>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private closed = false;
  private readonly state: NodeStateStatements;
  private readonly applyBatch: (ops: Op[]) => void;
  private readonly applyOne: (op: Op) => void;
  private readonly insertRun: Statement<RunParams>;
  private readonly upsertRun: Statement<RunParams>;
  private readonly deleteSteps: Statement<[string]>;
  private readonly markTruncated: Statement<[string, string]>;
  private readonly insertStep: Statement<StepParams>;

  constructor(db: Db, options: RunWriterOptions = {}) {
    this.intervalMs = Math.max(0, options.flushIntervalMs ?? 20);
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.onFlushError = options.onFlushError ?? ((f) => {
      console.error(`store: run ${f.runId} (${f.op}) was not written: ${f.error.message}`);
    });
    this.state = prepareNodeState(db);
    this.insertRun = db.prepare<RunParams>(
      `INSERT INTO runs (${RUN_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    );
    // an upsert, so a run that never had runStarted (or is rewritten) is still stored whole
    this.upsertRun = db.prepare<RunParams>(
      `INSERT INTO runs (${RUN_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET flow_id = excluded.flow_id, flow_version = excluded.flow_version,
         "trigger" = excluded."trigger", status = excluded.status, started_at = excluded.started_at,
         ended_at = excluded.ended_at, error = excluded.error`,
    );
    this.deleteSteps = db.prepare<[string]>('DELETE FROM steps WHERE run_id = ?');
    this.markTruncated = db.prepare<[string, string]>('UPDATE runs SET trace_truncated = ? WHERE id = ?');
    this.insertStep = db.prepare<StepParams>(
      `INSERT INTO steps (run_id, seq, node_id, iteration, status, started_at, ended_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.applyBatch = db.transaction((ops: Op[]) => {
      // a run started and finished within one batch needs only its final row
      const finished = new Set<string>();
      for (const op of ops) if (op.kind === 'finish') finished.add(op.run.id);
      for (const op of ops) if (op.kind !== 'start' || !finished.has(op.run.id)) this.apply(op);
    });
    this.applyOne = db.transaction((op: Op) => this.apply(op));
  }

  runStarted(run: RunRecord): void {
    this.enqueue({ kind: 'start', run: runRow(run) });
  }

  runFinished(run: RunRecord, steps: (StepRecord | TracedStep)[], stateWrites: StateWrite[]): void {
    // serialise now: a value that cannot be stored fails this call, not a later batch
    const state = run.status === 'succeeded' ? stateRows(stateWrites) : [];
    this.enqueue({ kind: 'finish', run: runRow(run), steps: steps.map(stepRow), state });
  }

  /** state of a successful run whose trace is not kept; all of it or nothing */
  commitState(stateWrites: StateWrite[]): void {
    if (stateWrites.length > 0) this.enqueue({ kind: 'state', state: stateRows(stateWrites) });
  }

  loadNodeState(flowId: string, nodeId: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of this.state.rows(flowId, nodeId)) out[r.key] = fromJson(r.value);
    const staged = this.overlay.get(stateKey(flowId, nodeId));
    if (staged) {
      for (const [key, json] of staged) {
        if (json === null) delete out[key];
        else out[key] = fromJson(json);
      }
    }
    return out;
  }

  /** number of queued operations */
  get pending(): number {
    return this.queue.length;
  }

  /** write everything queued now; failures are reported through onFlushError and returned */
  flush(): FlushResult {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.flushing || this.queue.length === 0) return { written: 0, failed: [] };
    const ops = this.queue;
    this.queue = [];
    this.flushing = true;
    const failed: FlushFailure[] = [];
    try {
      try {
        this.applyBatch(ops);
      } catch {
        // the batch rolled back: write one by one so only the broken operations are lost
        for (const op of ops) {
          try {
            this.applyOne(op);
          } catch (err) {
            failed.push({ runId: op.kind === 'state' ? '' : op.run.id, op: op.kind, error: err instanceof Error ? err : new Error(String(err)) });
          }
        }
      }
    } finally {
      this.overlay.clear();
      this.flushing = false;
    }
    for (const f of failed) this.onFlushError(f);
    return { written: ops.length - failed.length, failed };
  }

  /** flush and refuse further writes */
  close(): FlushResult {
    const result = this.flush();
    this.closed = true;
    return result;
  }

  private enqueue(op: Op): void {
    if (this.closed) throw new Error('store is closed');
    if (this.intervalMs === 0) {
      this.applyOne(op);
      return;
    }
    this.queue.push(op);
    if (op.kind !== 'start') this.stage(op.state);
    if (this.queue.length >= this.maxBatch) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  private stage(rows: StateRow[]): void {
    for (const w of rows) {
      const k = stateKey(w.flowId, w.nodeId);
      let m = this.overlay.get(k);
      if (!m) this.overlay.set(k, (m = new Map()));
      m.set(w.key, w.json);
    }
  }

  private apply(op: Op): void {
    if (op.kind === 'state') {
      this.writeState(op.state);
      return;
    }
    const r = op.run;
    const params: RunParams = [r.id, r.flowId, r.flowVersion, r.trigger, r.status, r.startedAt, r.endedAt, r.error];
    if (op.kind === 'start') {
      this.insertRun.run(...params);
      return;
    }
    this.upsertRun.run(...params);
    if (r.traceTruncated !== null) this.markTruncated.run(r.traceTruncated, r.id);
    this.deleteSteps.run(r.id);
    for (const s of op.steps) {
      this.insertStep.run(r.id, s.seq, s.nodeId, s.iteration, s.status, s.startedAt, s.endedAt, s.data);
    }
    this.writeState(op.state);
  }

  private writeState(rows: StateRow[]): void {
    if (rows.length === 0) return;
    const at = nowIso();
    for (const w of rows) {
      if (w.json === null) this.state.remove(w.flowId, w.nodeId, w.key);
      else this.state.upsert(w.flowId, w.nodeId, w.key, w.json, at);
    }
  }
}
