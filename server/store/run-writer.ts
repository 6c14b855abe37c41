/**
 * The engine's persistence port (EngineStorePort). Calls are queued and written in batches —
 * one transaction per flush — because one transaction per run caps throughput. A batch is
 * written within `waitedFlushMs` when an operation in it is waited for (a `written` callback:
 * the engine settles a run only once its end is stored), else within `flushIntervalMs`, or at
 * once at `maxBatch` operations. If a batch fails, each operation is retried in its own
 * transaction, so a bad run never takes the others down and no run is ever half written.
 *
 * When the storage is full or unavailable (StorageError) the whole batch fails: waited
 * operations hear it through their callback (the engine then reports the run failed and keeps
 * its node state uncommitted); the other run rows are kept, up to `maxRetained`, and written by
 * `retry()` once the storage is back (StorageHealth calls it). Nothing is dropped unreported.
 * `flushIntervalMs: 0` writes through: each call is its own transaction.
 */
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import type { EngineStorePort, StateWrite, TracedStep, Written } from '../engine/store-port.ts';
import type Database from 'better-sqlite3';
import type { Db } from './db.ts';
import { StorageError, storageErrorOf } from './errors.ts';
import { prepareNodeState, type NodeStateStatements } from './node-state.ts';
import { fromJson, nowIso, toJson } from './util.ts';
import { toError } from '../../core/guards.ts';

type Statement<P extends unknown[]> = Database.Statement<P>;

export interface RunWriterOptions {
  /** max delay before queued writes hit the disk; 0 = write-through (default 20) */
  flushIntervalMs?: number;
  /** max delay once a queued operation is waited for (default 2) */
  waitedFlushMs?: number;
  /** flush at once when this many operations are queued (default 500) */
  maxBatch?: number;
  /** operations kept for retry while the storage cannot write; beyond it the oldest are given up (default 10,000) */
  maxRetained?: number;
  /** a queued operation that could not be written (it was dropped whole) */
  onFlushError?: (failure: FlushFailure) => void;
  /** where storage failures and given-up operations are reported (StorageHealth) */
  storage?: StorageSink;
}

export interface StorageSink {
  failed(error: StorageError): void;
  lost(count: number, error: Error): void;
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

/** `written`: told the outcome once the operation is stored or failed; such an operation is never kept for retry */
type Op =
  | { kind: 'start'; run: RunRow; written: Written | undefined }
  | { kind: 'finish'; run: RunRow; steps: StepRow[]; state: StateRow[]; written: Written | undefined }
  | { kind: 'state'; state: StateRow[]; written: Written | undefined };

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

type WriterPort = Omit<EngineStorePort, 'storageProblem' | 'watchStorage'>;

export class RunWriter implements WriterPort {
  private readonly intervalMs: number;
  private readonly waitedMs: number;
  private readonly maxBatch: number;
  private readonly maxRetained: number;
  private readonly onFlushError: (f: FlushFailure) => void;
  private readonly storage: StorageSink | undefined;
  private queue: Op[] = [];
  /** operations not written because the storage could not write, oldest first */
  private retained: Op[] = [];
  /** state of queued successful runs, so loadNodeState sees it before it is flushed */
  private readonly overlay = new Map<string, Map<string, string | null>>();
  private timer: NodeJS.Timeout | undefined;
  /** the pending timer is the short one (something in the queue is waited for) */
  private timerWaited = false;
  private flushing = false;
  private closed = false;
  /** why the last write failed for lack of storage (what retry() throws while it still does) */
  private lastStorageError: StorageError | undefined;
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
    this.waitedMs = Math.max(0, Math.min(this.intervalMs, options.waitedFlushMs ?? 2));
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.maxRetained = Math.max(0, options.maxRetained ?? 10_000);
    this.storage = options.storage;
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

  runStarted(run: RunRecord, written?: Written): void {
    this.enqueue({ kind: 'start', run: runRow(run), written });
  }

  /** writes the start now, outside any batch; throws StorageError (or the write's error) when it is not stored */
  runStartedNow(run: RunRecord): void {
    if (this.closed) throw new Error('store is closed');
    try {
      this.applyOne({ kind: 'start', run: runRow(run), written: undefined });
    } catch (err) {
      throw this.storageFailure(err) ?? err;
    }
  }

  runFinished(run: RunRecord, steps: (StepRecord | TracedStep)[], stateWrites: StateWrite[], written?: Written): void {
    // serialise now: a value that cannot be stored fails this call, not a later batch
    const state = run.status === 'succeeded' ? stateRows(stateWrites) : [];
    this.enqueue({ kind: 'finish', run: runRow(run), steps: steps.map(stepRow), state, written });
  }

  /** state of a successful run whose trace is not kept; all of it or nothing */
  commitState(stateWrites: StateWrite[], written?: Written): void {
    if (stateWrites.length > 0) this.enqueue({ kind: 'state', state: stateRows(stateWrites), written });
    else written?.();
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

  /** number of operations kept until the storage can write again */
  get kept(): number {
    return this.retained.length;
  }

  /**
   * Writes everything queued now. Failures are reported (callbacks, onFlushError, the storage
   * sink) and returned; operations kept for retry are not failures.
   */
  flush(): FlushResult {
    this.clearTimer();
    if (this.flushing || this.queue.length === 0) return { written: 0, failed: [] };
    const ops = this.queue;
    this.queue = [];
    return this.write(ops, true);
  }

  /**
   * Writes the operations kept while the storage could not write. Throws the StorageError when
   * it still cannot (they stay kept); StorageHealth calls this before it reports recovery.
   */
  retry(): FlushResult {
    if (this.flushing || this.retained.length === 0) return { written: 0, failed: [] };
    const ops = this.retained;
    this.retained = [];
    const result = this.write(ops, false);
    const stuck = this.retained.length > 0 ? this.lastStorageError : undefined;
    if (stuck) throw stuck;
    return result;
  }

  /** flush and refuse further writes; what still cannot be written is reported lost */
  close(): FlushResult {
    const result = this.flush();
    this.closed = true;
    if (this.retained.length > 0) {
      try {
        this.retry();
      } catch (err) {
        const lost = this.retained.length;
        this.retained = [];
        this.storage?.lost(lost, toError(err));
        if (!this.storage) console.error(`store: ${lost} run writes were lost at close: ${String(err)}`);
      }
    }
    return result;
  }

  /** `drained`: these are all queued operations, so the staged state they carried is no longer needed */
  private write(ops: Op[], drained: boolean): FlushResult {
    this.flushing = true;
    const errors: (Error | undefined)[] = new Array<Error | undefined>(ops.length);
    let failures = 0;
    try {
      try {
        this.applyBatch(ops);
      } catch (batchError) {
        const storage = this.storageFailure(batchError);
        if (storage) {
          // out of space or unavailable: one by one would fail the same way, only slower
          errors.fill(storage);
          failures = ops.length;
        } else {
          // the batch rolled back: write one by one so only the broken operations are lost
          for (let i = 0; i < ops.length; i++) {
            try {
              this.applyOne(ops[i]!);
            } catch (err) {
              errors[i] = this.storageFailure(err) ?? toError(err);
              failures++;
            }
          }
        }
      }
    } finally {
      if (drained) this.overlay.clear();
      this.flushing = false;
    }
    const failed: FlushFailure[] = [];
    const waiting: Array<[Written, Error | undefined]> = [];
    let keptError: StorageError | undefined;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const error = failures > 0 ? errors[i] : undefined;
      if (op.written) waiting.push([op.written, error]);
      // kept: run rows only (a start inserts nothing over a newer row, a run ends once); a
      // state write kept for later could land over a newer value, so it is reported instead
      else if (error instanceof StorageError && op.kind !== 'state') {
        this.retained.push(op);
        keptError = error;
      } else if (error) failed.push({ runId: op.kind === 'state' ? '' : op.run.id, op: op.kind, error });
    }
    if (keptError) this.bound(keptError);
    for (const f of failed) this.onFlushError(f);
    // last: a callback may queue more (the engine records the failed run)
    for (const [written, error] of waiting) {
      try {
        written(error);
      } catch (err) {
        console.error(`store: a run write callback failed: ${String(err)}`);
      }
    }
    return { written: ops.length - failures, failed };
  }

  /** the StorageError behind `err`, reported to the storage sink; undefined for any other error */
  private storageFailure(err: unknown): StorageError | undefined {
    const storage = storageErrorOf(err);
    if (storage) {
      this.lastStorageError = storage;
      this.storage?.failed(storage);
    }
    return storage;
  }

  /** the oldest kept operations beyond maxRetained are given up, and reported */
  private bound(error: StorageError): void {
    const over = this.retained.length - this.maxRetained;
    if (over > 0) {
      this.retained.splice(0, over);
      this.storage?.lost(over, error);
      if (!this.storage) console.error(`store: ${over} run writes were given up: ${error.message}`);
    }
  }

  private enqueue(op: Op): void {
    if (this.closed) throw new Error('store is closed');
    if (this.intervalMs === 0) return this.writeThrough(op);
    this.queue.push(op);
    if (op.kind !== 'start') this.stage(op.state);
    if (this.queue.length >= this.maxBatch) this.flush();
    else this.schedule(op.written !== undefined);
  }

  /** its own transaction now; with a callback the outcome goes there, else a failure throws */
  private writeThrough(op: Op): void {
    let error: Error | undefined;
    try {
      this.applyOne(op);
    } catch (err) {
      error = this.storageFailure(err) ?? toError(err);
    }
    if (op.written) op.written(error);
    else if (error) throw error;
  }

  private schedule(waited: boolean): void {
    if (this.timer) {
      if (!waited || this.timerWaited) return;
      clearTimeout(this.timer);
    }
    this.timerWaited = waited;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, waited ? this.waitedMs : this.intervalMs);
    // somebody awaits a waited write: that timer keeps the process alive until it is written
    if (!waited) this.timer.unref();
  }

  private clearTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
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
