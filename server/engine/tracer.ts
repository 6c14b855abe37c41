/**
 * Tracing as one object the engine calls, the way Node-RED's hooks let tracing be a plug-in
 * rather than code inside delivery: at a step's start and end (live watchers), when a finished
 * step is sealed into its run's trace, and when a failed step is kept whatever the trace mode.
 * `FlowTracer` is the one implementation: live events, masked and bounded step records.
 */
import type { StepRecord } from '../../core/flow-types.ts';
import type { EngineEvents } from './events.ts';
import type { Run } from './run.ts';
import type { TracedStep } from './store-port.ts';
import { stepDataJson, traceStep, type Masker } from './trace-value.ts';

export interface Tracer {
  /** someone watches the flow live: steps are recorded for them even when the run keeps none */
  live(): boolean;
  stepStarted(run: Run, step: StepRecord): void;
  stepEnded(run: Run, step: StepRecord): void;
  /** a finished step goes into its run's trace, serialised now (the messages it saw are not held) */
  seal(run: Run, step: StepRecord): void;
  /** a failed step is kept in the run's trace whatever the trace mode */
  keepFailed(run: Run, step: StepRecord): void;
}

export class FlowTracer implements Tracer {
  constructor(
    private readonly flowId: string,
    private readonly events: EngineEvents,
    /** the masker for the secrets currently known */
    private readonly masker: () => Masker,
    /** the params of a node that hold credentials (masked by name too) */
    private readonly sensitiveOf: (nodeId: string) => readonly string[] | undefined,
  ) {}

  live(): boolean {
    return this.events.wants(this.flowId);
  }

  stepStarted(run: Run, step: StepRecord): void {
    this.events.nodeStart(this.flowId, run.id, this.liveStep(step));
  }

  stepEnded(run: Run, step: StepRecord): void {
    this.events.nodeEnd(this.flowId, run.id, this.liveStep(step));
  }

  seal(run: Run, step: StepRecord): void {
    run.seal(step, this.serialise);
  }

  keepFailed(run: Run, step: StepRecord): void {
    run.addFailedStep(step, this.serialise);
  }

  /** a step's trace record, masked and bounded */
  readonly serialise = (step: StepRecord): TracedStep => this.stored(step, this.masker());

  /** the same with a masker the caller already has (a whole run's steps at once) */
  stored(step: StepRecord | TracedStep, mask: Masker): TracedStep {
    if ('data' in step) return step;
    return {
      nodeId: step.nodeId,
      ...(step.iteration !== undefined ? { iteration: step.iteration } : {}),
      status: step.status,
      startedAt: step.startedAt,
      ...(step.endedAt !== undefined ? { endedAt: step.endedAt } : {}),
      data: stepDataJson(step, mask, this.sensitiveOf(step.nodeId)),
    };
  }

  private liveStep(step: StepRecord): StepRecord {
    return traceStep(step, this.masker(), this.sensitiveOf(step.nodeId));
  }
}
