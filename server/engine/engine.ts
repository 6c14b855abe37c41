/** Runs flows: start (replacing a running version), stop, trigger, and shutdown of all. */
import type { FlowDocument } from '../../core/flow-types.ts';
import type { FiredRun } from './node-api.ts';
import { FlowRuntime, type FlowRuntimeDeps, type TriggerOptions } from './flow-runtime.ts';

export class FlowNotRunningError extends Error {
  constructor(flowId: string) {
    super(`flow ${flowId} is not running; start it first`);
    this.name = 'FlowNotRunningError';
  }
}

export class Engine {
  private readonly flows = new Map<string, FlowRuntime>();
  /** serialises start/stop per flow so a replace never overlaps */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: FlowRuntimeDeps, private readonly stopGraceMs = 10_000) {}

  start(flowId: string, version: number, doc: FlowDocument): Promise<void> {
    return this.locked(flowId, async () => {
      await this.stopNow(flowId);
      const runtime = new FlowRuntime(flowId, version, doc, {
        ...this.deps,
        log: this.deps.log,
      });
      try {
        await runtime.start();
      } catch (err) {
        this.deps.events.flowState(flowId, 'error', err instanceof Error ? err.message : String(err));
        throw err;
      }
      this.flows.set(flowId, runtime);
      this.deps.events.flowState(flowId, 'running');
    });
  }

  stop(flowId: string): Promise<void> {
    return this.locked(flowId, () => this.stopNow(flowId));
  }

  isRunning(flowId: string): boolean {
    return this.flows.has(flowId);
  }

  runningVersion(flowId: string): number | undefined {
    return this.flows.get(flowId)?.version;
  }

  runningFlowIds(): string[] {
    return [...this.flows.keys()];
  }

  activeRuns(flowId: string): number {
    return this.flows.get(flowId)?.activeRuns ?? 0;
  }

  /** Fire `nodeId` (default: the flow's first manual trigger, else scheduled, else any) now. */
  trigger(flowId: string, nodeId: string | undefined, payload: unknown, hasPayload: boolean, options: TriggerOptions = {}): FiredRun {
    const runtime = this.flows.get(flowId);
    if (!runtime) throw new FlowNotRunningError(flowId);
    const id = nodeId ?? runtime.defaultTrigger();
    if (!id) throw new Error('this flow has no trigger node to fire');
    return runtime.trigger(id, payload, hasPayload, options);
  }

  /** An operator's action on a node of a running flow (e.g. `stuck/skip` on a kafka-in). */
  operate(flowId: string, nodeId: string, action: string, body: Record<string, unknown>): Promise<unknown> {
    const runtime = this.flows.get(flowId);
    if (!runtime) throw new FlowNotRunningError(flowId);
    return runtime.operate(nodeId, action, body);
  }

  /** Stop every flow: triggers first, running runs get `graceMs` to finish. */
  async shutdown(graceMs = this.stopGraceMs): Promise<void> {
    await Promise.all([...this.flows.keys()].map((id) => this.locked(id, () => this.stopNow(id, graceMs))));
  }

  private async stopNow(flowId: string, graceMs = this.stopGraceMs): Promise<void> {
    const runtime = this.flows.get(flowId);
    if (!runtime) return;
    this.flows.delete(flowId);
    await runtime.stop(graceMs);
    this.deps.events.flowState(flowId, 'stopped');
  }

  private locked<T>(flowId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(flowId) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.catch(() => undefined);
    this.locks.set(flowId, tail);
    void tail.then(() => {
      if (this.locks.get(flowId) === tail) this.locks.delete(flowId);
    });
    return next;
  }
}
