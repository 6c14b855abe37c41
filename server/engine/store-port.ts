/** What the engine needs from persistence. The store implements it; the engine never imports the store. */
import type { RunRecord, StepRecord, StepStatus } from '../../core/flow-types.ts';

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

export interface EngineStorePort {
  /** all persisted state of one node */
  loadNodeState(flowId: string, nodeId: string): Record<string, unknown>;
  /** a run began (may be buffered by the store) */
  runStarted(run: RunRecord): void;
  /**
   * a run ended: in ONE transaction write the run's final row, its steps, and — only when
   * `run.status === 'succeeded'` — the staged node-state writes (watermarks, script state).
   * Throws if the transaction failed; then nothing of it is stored.
   */
  runFinished(run: RunRecord, steps: (TracedStep | StepRecord)[], stateWrites: StateWrite[]): void;
  /** commit state writes of a successful run whose trace is not kept (trace mode errors/off) */
  commitState(stateWrites: StateWrite[]): void;
  /** write anything buffered (called on flow stop and shutdown) */
  flush(): void;
}
