/**
 * What the live trace says about the open flow: which nodes run now, how each ended in the
 * latest run, the nodes' status lines (consumer lag, next timer fire), and a tick that tells
 * the debug panel to reload its runs.
 */
import { create } from 'zustand';
import type { RunRecord } from '../../../core/flow-types.ts';
import type { NodeStatusInfo, StatusEvent, StepEvent } from '../api/types.ts';

export interface NodeMark {
  state: 'running' | 'succeeded' | 'failed' | 'skipped';
  /** steps of this node running now (loop bodies run a node many times) */
  active: number;
  error?: string;
}

interface LiveState {
  flowId?: string;
  connected: boolean;
  runId?: string;
  marks: Record<string, NodeMark>;
  statuses: Record<string, NodeStatusInfo>;
  /** bumped on run start/end: the runs list reloads */
  runTick: number;
  reset(flowId: string | undefined, statuses?: Record<string, NodeStatusInfo>): void;
  setConnected(connected: boolean): void;
  runStart(run: RunRecord): void;
  runEnd(run: RunRecord): void;
  nodeStart(ev: StepEvent): void;
  nodeEnd(ev: StepEvent): void;
  nodeStatus(ev: StatusEvent): void;
  bump(): void;
}

/**
 * Runs whose start this page saw: a step of one of them that is not the newest run belongs to
 * an older run still going (a timer in parallel mode) and must not take the canvas back.
 */
const startedRuns = new Set<string>();
const STARTED_RUNS_KEPT = 500;

function noteStarted(runId: string): void {
  startedRuns.add(runId);
  if (startedRuns.size > STARTED_RUNS_KEPT) startedRuns.delete(startedRuns.values().next().value as string);
}

export const useLive = create<LiveState>()((set, get) => ({
  connected: false,
  marks: {},
  statuses: {},
  runTick: 0,
  reset(flowId, statuses = {}) {
    startedRuns.clear();
    set({ flowId, runId: undefined, marks: {}, statuses, connected: false });
  },
  setConnected(connected) {
    set({ connected });
  },
  runStart(run) {
    if (run.flowId !== get().flowId) return;
    noteStarted(run.id);
    // a new run repaints the canvas from scratch; the trigger node has fired (it sends no step events)
    set({ runId: run.id, marks: { [run.trigger.nodeId]: { state: 'succeeded', active: 0 } }, runTick: get().runTick + 1 });
  },
  runEnd(run) {
    if (run.flowId !== get().flowId) return;
    const marks = { ...get().marks };
    if (run.id === get().runId)
      for (const [id, m] of Object.entries(marks)) if (m.state === 'running') marks[id] = { ...m, state: 'succeeded', active: 0 };
    set({ marks, runTick: get().runTick + 1 });
  },
  nodeStart(ev) {
    if (ev.flowId !== get().flowId) return;
    if (get().runId !== ev.runId) {
      if (startedRuns.has(ev.runId)) return;
      // a step of a run whose start we missed (subscribed late)
      noteStarted(ev.runId);
      set({ runId: ev.runId, marks: {} });
    }
    const prev = get().marks[ev.nodeId];
    const mark: NodeMark = { state: prev?.state === 'failed' ? 'failed' : 'running', active: (prev?.active ?? 0) + 1 };
    if (prev?.error) mark.error = prev.error;
    set({ marks: { ...get().marks, [ev.nodeId]: mark } });
  },
  nodeEnd(ev) {
    if (ev.flowId !== get().flowId || ev.runId !== get().runId) return;
    const prev = get().marks[ev.nodeId];
    const active = Math.max(0, (prev?.active ?? 1) - 1);
    let mark: NodeMark;
    if (ev.status === 'failed') mark = { state: 'failed', active, error: ev.error ?? prev?.error ?? 'failed' };
    else if (prev?.state === 'failed') mark = { ...prev, active };
    else mark = { state: active > 0 ? 'running' : ev.status === 'skipped' ? 'skipped' : 'succeeded', active };
    set({ marks: { ...get().marks, [ev.nodeId]: mark } });
  },
  nodeStatus(ev) {
    if (ev.flowId !== get().flowId) return;
    set({ statuses: { ...get().statuses, [ev.nodeId]: { state: ev.state, text: ev.text } } });
  },
  bump() {
    set({ runTick: get().runTick + 1 });
  },
}));
