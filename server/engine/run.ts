/**
 * One run of a flow: what is in flight, the step records, staged node state, and its end.
 * Run state is plain data so it can be traced and reasoned about.
 */
import { nowIso } from './clock.ts';
import type { RunRecord, RunStatus, StepRecord } from '../../core/flow-types.ts';
import type { RunOutcome } from './node-api.ts';
import type { TracedStep } from './store-port.ts';
import { Scope } from './scope.ts';

export type RunEndHandler = (run: Run) => void;

const NOTHING_STAGED: ReadonlyMap<string, ReadonlyMap<string, unknown>> = new Map();

export class Run {
  readonly root = new Scope(undefined);
  /** steps of the run; a finished step is replaced by its serialised form (TracedStep) */
  readonly steps: (StepRecord | TracedStep)[] = [];
  /** where each unfinished step stands in `steps` (made when the run keeps steps) */
  private open: Map<StepRecord, number> | undefined;
  /** nodeId → key → value, committed with the run's success (made on the first write) */
  private stagedByNode: Map<string, Map<string, unknown>> | undefined;
  readonly done: Promise<RunOutcome>;
  private inFlight = 0;
  private failure?: string;
  private cancelled = false;
  private ended = false;
  private controller?: AbortController;
  private resolveDone!: (outcome: RunOutcome) => void;

  constructor(
    readonly record: RunRecord,
    readonly locals: Record<string, unknown>,
    readonly keepSteps: boolean,
    private readonly onEnd: RunEndHandler,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get id(): string {
    return this.record.id;
  }

  /** true once the run failed with `onError: stop` or was cancelled: nothing new starts */
  get halted(): boolean {
    return this.cancelled || this.failure !== undefined;
  }

  /** aborts when the run halts; created on first use */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.halted) this.controller.abort();
    return this.controller.signal;
  }

  enter(scope: Scope): void {
    this.inFlight++;
    scope.enter();
  }

  leave(scope: Scope): void {
    scope.leave();
    if (--this.inFlight === 0) this.end();
  }

  fail(error: string): void {
    if (this.failure === undefined) this.failure = error;
    this.controller?.abort();
  }

  cancel(): void {
    this.cancelled = true;
    this.controller?.abort();
  }

  /** the trigger's step: kept even when steps are not, so a failed run shows what started it */
  triggerStep?: StepRecord;

  addStep(step: StepRecord): void {
    if (this.keepSteps) (this.open ??= new Map()).set(step, this.steps.push(step) - 1);
  }

  /**
   * A finished step is serialised at once, so the messages it saw (a page of 5,000 rows) are
   * not held until the run ends: memory stays bounded however long the run.
   */
  seal(step: StepRecord, serialise: (s: StepRecord) => TracedStep): void {
    const at = this.open?.get(step);
    if (at === undefined) return;
    this.open!.delete(step);
    this.steps[at] = serialise(step);
  }

  /** a failed step is kept whatever the trace mode (errors/sampled store failed runs) */
  addFailedStep(step: StepRecord): void {
    if (!this.keepSteps) this.steps.push(step);
  }

  /** what the trace of this run holds */
  tracedSteps(): (StepRecord | TracedStep)[] {
    if (this.keepSteps || !this.triggerStep) return this.steps;
    return [this.triggerStep, ...this.steps];
  }

  stage(nodeId: string, key: string, value: unknown): void {
    this.stagedByNode ??= new Map();
    let map = this.stagedByNode.get(nodeId);
    if (!map) this.stagedByNode.set(nodeId, (map = new Map()));
    map.set(key, value);
  }

  staged(nodeId: string): Map<string, unknown> | undefined {
    return this.stagedByNode?.get(nodeId);
  }

  /** every staged write, node by node */
  get stagedState(): ReadonlyMap<string, ReadonlyMap<string, unknown>> {
    return this.stagedByNode ?? NOTHING_STAGED;
  }

  get status(): RunStatus {
    if (this.cancelled) return 'cancelled';
    return this.failure === undefined ? 'succeeded' : 'failed';
  }

  /** the end as decided by the engine (e.g. the store could not record success) */
  settle(status: RunStatus, error?: string): void {
    this.record.status = status;
    if (error !== undefined) this.record.error = error;
    const outcome: RunOutcome = { runId: this.id, status };
    if (error !== undefined) outcome.error = error;
    this.resolveDone(outcome);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.record.status = this.status;
    this.record.endedAt = nowIso();
    if (this.failure !== undefined) this.record.error = this.failure;
    this.onEnd(this);
  }
}
