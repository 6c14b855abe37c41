/**
 * Runs flows: start (replacing a running version), put a new version into effect while running
 * (handover.ts), stop, trigger, and shutdown of all.
 */
import type { FlowDocument } from '../../core/flow-types.ts';
import { ConflictError, ValidationError } from '../../core/errors.ts';
import type { FiredRun } from './node-api.ts';
import { FlowRuntime, type FlowRuntimeDeps, type TriggerOptions } from './flow-runtime.ts';
import { handOver } from './handover.ts';

/** a saved version that is not running yet: being put into effect, or refused (with why) */
export interface Replacement { version: number; error?: string; at: string }

export class ReplaceError extends Error {
  override readonly name = 'ReplaceError';
  constructor(readonly version: number, readonly runningVersion: number, reason: string) {
    super(`version ${version} could not be put into effect (version ${runningVersion} keeps running): ${reason}`);
  }
}
import { errorMessage } from '../../core/guards.ts';

export class FlowNotRunningError extends ConflictError<'FLOW_NOT_RUNNING'> {
  constructor(flowId: string) {
    super('FLOW_NOT_RUNNING', `flow ${flowId} is not running; start it first`, { flowId });
    this.name = 'FlowNotRunningError';
  }
}

export class Engine {
  private readonly flows = new Map<string, FlowRuntime>();
  /** serialises start/stop per flow so a replace never overlaps */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** replaced versions whose runs are finishing, per flow */
  private readonly retiring = new Map<string, Set<FlowRuntime>>();
  private readonly replacements = new Map<string, Replacement>();

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
        this.deps.events.flowState(flowId, 'error', errorMessage(err));
        throw err;
      }
      this.flows.set(flowId, runtime);
      this.deps.events.flowState(flowId, 'running');
    });
  }

  /**
   * Puts `version` into effect in place of the running one, at a run boundary (handover.ts).
   * Resolves once new triggers run it; the replaced version finishes its runs in the background.
   * Rejects with a ReplaceError, the old version still running, when the new one cannot start.
   */
  replace(flowId: string, version: number, doc: FlowDocument): Promise<void> {
    return this.locked(flowId, async () => {
      const old = this.flows.get(flowId);
      if (!old) throw new FlowNotRunningError(flowId);
      this.replacements.set(flowId, { version, at: new Date().toISOString() });
      const next = new FlowRuntime(flowId, version, doc, this.deps, old);
      try {
        await handOver(old, next, this.stopGraceMs);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        this.replacements.set(flowId, { version, error: reason, at: new Date().toISOString() });
        this.deps.log.warn('a new version of a running flow could not be put into effect; the old one keeps running', { flowId, version, runningVersion: old.version, error: reason });
        this.deps.events.flowState(flowId, 'running');
        throw new ReplaceError(version, old.version, reason);
      }
      this.replacements.delete(flowId);
      this.flows.set(flowId, next);
      this.retire(flowId, old, next);
      this.deps.log.info('flow version put into effect', { flowId, version, replaced: old.version });
      this.deps.events.flowState(flowId, 'running');
    });
  }

  /** the saved version waiting to run or refused, while the flow runs another */
  replacement(flowId: string): Replacement | undefined {
    return this.flows.has(flowId) ? this.replacements.get(flowId) : undefined;
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

  /** runs in flight, of the running version and of replaced ones still finishing */
  activeRuns(flowId: string): number {
    let n = this.flows.get(flowId)?.activeRuns ?? 0;
    for (const r of this.retiring.get(flowId) ?? []) n += r.activeRuns;
    return n;
  }

  /** Fire `nodeId` (default: the flow's first manual trigger, else scheduled, else any) now. */
  trigger(flowId: string, nodeId: string | undefined, payload: unknown, hasPayload: boolean, options: TriggerOptions = {}): FiredRun {
    const runtime = this.flows.get(flowId);
    if (!runtime) throw new FlowNotRunningError(flowId);
    const id = nodeId ?? runtime.defaultTrigger();
    if (!id) throw new ValidationError('this flow has no trigger node to fire', [{ path: 'nodeId', message: 'is required: this flow has no trigger node to fire' }], 'NO_TRIGGER', { nodeId: '' });
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
    const ids = new Set([...this.flows.keys(), ...this.retiring.keys()]);
    await Promise.all([...ids].map((id) => this.locked(id, () => this.stopNow(id, graceMs))));
  }

  /** a replaced version: no new runs; its runs in flight finish however long they take, unless the flow stops */
  private retire(flowId: string, runtime: FlowRuntime, successor: FlowRuntime): void {
    let set = this.retiring.get(flowId);
    if (!set) this.retiring.set(flowId, (set = new Set()));
    set.add(runtime);
    runtime.stop(Infinity).catch((err: unknown) => this.deps.log.warn('stopping a replaced flow version failed', { flowId, version: runtime.version, error: String(err) })).finally(() => {
      successor.forgetPredecessor();
      set.delete(runtime);
      if (set.size === 0 && this.retiring.get(flowId) === set) this.retiring.delete(flowId);
    });
  }

  private async stopNow(flowId: string, graceMs = this.stopGraceMs): Promise<void> {
    const runtime = this.flows.get(flowId);
    this.replacements.delete(flowId);
    // replaced versions still finishing runs get the same grace as the running one
    const retiring = [...(this.retiring.get(flowId) ?? [])].map((r) => r.stop(graceMs));
    if (runtime) this.flows.delete(flowId);
    await Promise.all([...(runtime ? [runtime.stop(graceMs)] : []), ...retiring]);
    if (runtime) this.deps.events.flowState(flowId, 'stopped');
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
