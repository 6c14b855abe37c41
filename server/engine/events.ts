/** What the engine tells the outside (live traces, canvas status). The HTTP layer implements it. */
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import type { NodeStatus } from './node-api.ts';

export type FlowState = 'running' | 'stopped' | 'error';

export interface EngineEvents {
  /** true when someone watches this flow live; the engine skips per-step events otherwise */
  wants(flowId: string): boolean;
  runStart(flowId: string, run: RunRecord): void;
  nodeStart(flowId: string, runId: string, step: StepRecord): void;
  nodeEnd(flowId: string, runId: string, step: StepRecord): void;
  runEnd(flowId: string, run: RunRecord): void;
  nodeStatus(flowId: string, nodeId: string, status: NodeStatus): void;
  flowState(flowId: string, state: FlowState, error?: string): void;
}

export const silentEvents: EngineEvents = {
  wants: () => false,
  runStart() {},
  nodeStart() {},
  nodeEnd() {},
  runEnd() {},
  nodeStatus() {},
  flowState() {},
};
