/** What the engine needs from persistence. The store implements it; the engine never imports the store. */
import type { RunRecord, StepRecord, StepStatus } from '../../core/flow-types.ts';
import type { StorageError } from './storage-error.ts';

/** A step whose trace fields (input, output, params, error, logs…) the engine serialised once, masked and bounded. */
export interface TracedStep {
  nodeId: string;
  iteration?: number;
  status: StepStatus;
  startedAt: string;
  endedAt?: string;
  /** JSON object text of the trace fields */
  data: string;
}

export interface StateWrite { flowId: string; nodeId: string; key: string; value: unknown }

/**
 * Told once whether a buffered write is stored (no argument) or not (the error; a StorageError
 * when the storage is full or unavailable). May be called before the call that queued it returns.
 * A write given one never throws for a failed write, and is never kept for a later retry.
 */
export type Written = (error?: Error) => void;

export interface EngineStorePort {
  /** all persisted state of one node */
  loadNodeState(flowId: string, nodeId: string): Record<string, unknown>;
  /** a run began (may be buffered by the store) */
  runStarted(run: RunRecord, written?: Written): void;
  /** a run begins: its start is written now, before it runs; throws (a StorageError when the storage cannot write) if not */
  runStartedNow(run: RunRecord): void;
  /**
   * a run ended: in ONE transaction write the run's final row, its steps, and — only when
   * `run.status === 'succeeded'` — the staged node-state writes (watermarks, script state).
   * Without `written`, throws if the transaction failed; either way nothing of it is stored then.
   */
  runFinished(run: RunRecord, steps: (TracedStep | StepRecord)[], stateWrites: StateWrite[], written?: Written): void;
  /** commit state writes of a successful run whose trace is not kept (trace mode errors/off) */
  commitState(stateWrites: StateWrite[], written?: Written): void;
  /** write anything buffered (called on flow stop and shutdown) */
  flush(): void;
  /** why runs cannot be recorded now (storage full or unavailable); undefined when they can */
  storageProblem(): StorageError | undefined;
  /** `listener` runs whenever storageProblem() may have changed; returns the unsubscribe */
  watchStorage(listener: () => void): () => void;
}
