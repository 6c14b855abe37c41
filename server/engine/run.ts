/**
 * One run of a flow: what is in flight, the step records, staged node state, and its end.
 * Run state is plain data so it can be traced and reasoned about.
 */
import { nowIso } from './clock.ts';
import type { RunRecord, RunStatus, StepRecord, TraceTruncation } from '../../core/flow-types.ts';
import type { FailureKind, RunOutcome } from './node-api.ts';
import type { TracedStep } from './store-port.ts';
import { Scope } from './scope.ts';

export type RunEndHandler = (run: Run) => void;

/** How much of one run's trace is kept: past either cap, further steps are left out. */
export interface TraceCaps { maxSteps: number; maxBytes: number }
export const DEFAULT_TRACE_MAX_STEPS = 10_000;
export const DEFAULT_TRACE_CAPS: TraceCaps = { maxSteps: DEFAULT_TRACE_MAX_STEPS, maxBytes: 16 * 1024 * 1024 };
/** failed steps kept past the caps, so a run that failed late still shows why */
export const FAILED_STEPS_PAST_CAPS = 100;

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
  private failureKind?: FailureKind;
  /** the failure came from a node that said trying again may work (connection lost, broker down) */
  private failureTransient = false;
  private cancelled = false;
  /** why a node skipped this run (it ends `skipped` unless it failed or was cancelled) */
  private skipped: string | undefined;
  private ended = false;
  private controller?: AbortController;
  private resolveDone!: (outcome: RunOutcome) => void;
  /** steps recorded (stored, or sent live), their stored bytes, failures past the caps, steps left out */
  private recorded = 0;
  private storedBytes = 0;
  private failedPastCaps = 0;
  private leftOut = 0;

  constructor(
    readonly record: RunRecord,
    readonly locals: Record<string, unknown>,
    readonly keepSteps: boolean,
    private readonly onEnd: RunEndHandler,
    private readonly caps: TraceCaps = DEFAULT_TRACE_CAPS,
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

  fail(error: string, kind?: FailureKind, transient = false): void {
    if (this.failure === undefined) {
      this.failure = error;
      this.failureKind = kind;
      this.failureTransient = transient;
    }
    this.controller?.abort();
  }

  skip(reason: string): void {
    this.skipped ??= reason;
  }

  cancel(): void {
    this.cancelled = true;
    this.controller?.abort();
  }

  /** the trigger's step: kept even when steps are not, so a failed run shows what started it */
  triggerStep?: StepRecord;

  /** whether the trace still takes steps */
  private underCaps(): boolean {
    return this.recorded < this.caps.maxSteps && this.storedBytes < this.caps.maxBytes;
  }

  /**
   * Whether a new step is recorded (stored when steps are kept, else only sent live). Past the
   * caps it is not — neither stored nor sent to live watchers — and counted as left out.
   */
  admit(): boolean {
    if (this.underCaps()) {
      this.recorded++;
      return true;
    }
    if (this.keepSteps) this.leftOut++;
    return false;
  }

  /**
   * Whether a failed step that has no record yet is recorded: within the caps, else among the
   * first FAILED_STEPS_PAST_CAPS failures past them, and always when it fails the run (`fatal`).
   * `refused` tells that admit() had refused it.
   */
  admitFailure(refused: boolean, fatal: boolean): boolean {
    if (!refused && this.underCaps()) {
      this.recorded++;
      return true;
    }
    if (fatal || this.failedPastCaps < FAILED_STEPS_PAST_CAPS) {
      this.failedPastCaps++;
      if (refused && this.keepSteps) this.leftOut--;
      return true;
    }
    if (!refused || !this.keepSteps) this.leftOut++;
    return false;
  }

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
    const traced = serialise(step);
    this.storedBytes += traced.data.length;
    this.steps[at] = traced;
  }

  /** a failed step is kept whatever the trace mode (errors/sampled store failed runs) */
  addFailedStep(step: StepRecord, serialise: (s: StepRecord) => TracedStep): void {
    if (this.open?.has(step)) return; // already in the trace; sealed by the caller
    const traced = serialise(step);
    this.storedBytes += traced.data.length;
    this.steps.push(traced);
  }

  /** set when steps were left out of the trace */
  get truncation(): TraceTruncation | undefined {
    if (this.leftOut === 0) return undefined;
    return {
      steps: this.leftOut, keptSteps: this.steps.length + (this.keepSteps || !this.triggerStep ? 0 : 1), keptBytes: this.storedBytes,
      maxSteps: this.caps.maxSteps, maxBytes: this.caps.maxBytes,
    };
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
    if (this.failure !== undefined) return 'failed';
    return this.skipped === undefined ? 'succeeded' : 'skipped';
  }

  /** the end as decided by the engine (e.g. the store could not record success) */
  settle(status: RunStatus, error?: string, kind?: FailureKind, transient = this.failureTransient): void {
    this.record.status = status;
    if (error !== undefined) this.record.error = error;
    const outcome: RunOutcome = { runId: this.id, status };
    if (error !== undefined) outcome.error = error;
    const failedAs = kind ?? (status === 'failed' && error === this.failure ? this.failureKind : undefined);
    if (failedAs !== undefined) outcome.kind = failedAs;
    if (status === 'failed' && transient) outcome.transient = true;
    this.resolveDone(outcome);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.record.status = this.status;
    this.record.endedAt = nowIso();
    if (this.failure !== undefined) this.record.error = this.failure;
    else if (this.skipped !== undefined && !this.cancelled) this.record.error = `skipped: ${this.skipped}`;
    const truncation = this.truncation;
    if (truncation) this.record.traceTruncated = truncation;
    this.onEnd(this);
  }
}
