/**
 * Delivering one message to one node: resolve params, call the node, record the step,
 * and apply retry and the onError policy. Synchronous nodes complete on the same stack
 * (no promise per hop); asynchronous ones are awaited.
 */
import { isTransient } from './transient.ts';
import { nowIso } from './clock.ts';
import { ERROR_PORT, type Message, type StepRecord } from '../../core/flow-types.ts';
import { MessageScope } from './message-scope.ts';
import { shrinkLists } from './trace-value.ts';
import { NodeError, type NodeIO, type NodeState, type ScopeOutcome } from './node-api.ts';
import type { Logger } from '../../core/logger.ts';
import type { NodeSlot, Target } from './node-slot.ts';
import type { Run } from './run.ts';
import { Scope } from './scope.ts';
import { cloneValue } from './clone-message.ts';
import { backoffDelay, sleep } from './retry.ts';
import type { TemplateCache } from './params.ts';
import type { Tracer } from './tracer.ts';
import { errorMessage } from '../../core/guards.ts';

export interface DeliveryHost {
  flowId: string;
  log: Logger;
  templates: TemplateCache;
  flowMemory: Map<string, unknown>;
  /** told of every step's start, end and sealing */
  tracer: Tracer;
  /** commits one key of a node's state now (NodeIO.checkpoint) */
  checkpoint(nodeId: string, key: string, value: unknown): Promise<void>;
}

const MAX_OUTPUTS_TRACED = 50;

export function deliver(host: DeliveryHost, run: Run, target: Target, msg: Message, scope: Scope): void {
  if (run.halted || target.slot.node.disabled) return;
  run.enter(scope);
  attempt(host, run, target, msg, scope, createStep(host, run, target.slot, msg, scope), 1);
}

/**
 * The step's record, or: undefined when the run keeps no steps and nobody watches live; null when
 * the run's trace is past its caps (the step is left out, unless it fails).
 */
function createStep(host: DeliveryHost, run: Run, slot: NodeSlot, msg: Message, scope: Scope): StepRecord | null | undefined {
  const tracer = host.tracer;
  if (!run.keepSteps && !tracer.live()) return undefined;
  if (!run.admit()) return null;
  const step: StepRecord = { nodeId: slot.id, status: 'running', startedAt: nowIso(), input: msg };
  const iteration = scope.iteration;
  if (iteration !== undefined) {
    step.iteration = iteration;
    if (scope.iterationPath.length > 1) step.iterationPath = scope.iterationPath;
  }
  run.addStep(step);
  if (tracer.live()) tracer.stepStarted(run, step);
  return step;
}

function attempt(host: DeliveryHost, run: Run, target: Target, msg: Message, scope: Scope, step: StepRecord | null | undefined, n: number): void {
  const slot = target.slot;
  const io = new DeliveryIO(host, run, slot, target.port, scope, step ?? undefined);
  let result: void | Promise<void>;
  try {
    io.params = slot.resolveParams(new MessageScope(msg, scope));
    if (step && slot.dynamicParams) step.params = io.params;
    result = slot.instance.onMessage?.(msg, io);
  } catch (err) {
    failed(host, run, target, msg, scope, step, n, err);
    return;
  }
  if (result && typeof (result as Promise<void>).then === 'function') {
    (result as Promise<void>).then(
      () => succeeded(host, run, scope, step, n),
      (err: unknown) => failed(host, run, target, msg, scope, step, n, err),
    );
  } else {
    succeeded(host, run, scope, step, n);
  }
}

function succeeded(host: DeliveryHost, run: Run, scope: Scope, step: StepRecord | null | undefined, n: number): void {
  if (step) {
    step.status = 'succeeded';
    step.endedAt = nowIso();
    if (n > 1) step.attempts = n;
    const tracer = host.tracer;
    if (tracer.live()) tracer.stepEnded(run, step);
    tracer.seal(run, step);
  }
  run.leave(scope);
}

function failed(
  host: DeliveryHost,
  run: Run,
  target: Target,
  msg: Message,
  scope: Scope,
  step: StepRecord | null | undefined,
  n: number,
  err: unknown,
): void {
  const slot = target.slot;
  const message = errorMessage(err);
  const retryable = !(err instanceof Error && (err as { retryable?: boolean }).retryable === false);
  if (slot.retry && n <= slot.retry.attempts && retryable && !run.halted) {
    host.log.warn('node failed, retrying', { flowId: host.flowId, runId: run.id, nodeId: slot.id, attempt: n, error: message });
    void sleep(backoffDelay(slot.retry, n), run.signal).then(() => {
      if (run.halted) return failed(host, run, target, msg, scope, step, Number.POSITIVE_INFINITY, err);
      attempt(host, run, target, msg, scope, step, n + 1);
    });
    return;
  }
  if (step) {
    step.status = 'failed';
    step.error = message;
    step.endedAt = nowIso();
    if (n > 1 && Number.isFinite(n)) step.attempts = n;
    if (host.tracer.live()) host.tracer.stepEnded(run, step);
    host.tracer.keepFailed(run, step);
    host.tracer.seal(run, step);
  } else if (run.admitFailure(step === null, slot.onError === 'stop')) {
    // runs whose steps are not kept (errors/sampled modes), or past the trace's caps, still show the step that failed
    const at = nowIso();
    const iteration = scope.iteration;
    const failedStep: StepRecord = {
      nodeId: slot.id, status: 'failed', startedAt: at, endedAt: at, input: msg, error: message,
      ...(iteration !== undefined ? { iteration } : {}),
      ...(n > 1 && Number.isFinite(n) ? { attempts: n } : {}),
    };
    if (step === null && host.tracer.live()) host.tracer.stepEnded(run, failedStep);
    host.tracer.keepFailed(run, failedStep);
  }
  const error = `node ${slot.id}${slot.node.name ? ` (${slot.node.name})` : ''}: ${message}`;
  switch (slot.onError) {
    case 'port': {
      const code = (err as { code?: unknown }).code;
      const withError: Message = { ...msg, error: { message, nodeId: slot.id, ...(typeof code === 'string' ? { code } : {}) } };
      // guard against error loops: a message that already failed here is not sent again
      const targets = msg.error?.nodeId === slot.id ? undefined : slot.out.get(ERROR_PORT);
      if (targets) send(host, run, slot, targets, withError, scope);
      break;
    }
    case 'continue':
      scope.fail(error);
      break;
    default:
      scope.fail(error);
      run.fail(error, err instanceof NodeError ? err.kind : undefined, isTransient(err));
  }
  run.leave(scope);
}

function send(host: DeliveryHost, run: Run, slot: NodeSlot, targets: Target[] | undefined, msg: Message, scope: Scope): void {
  if (slot.referenced) scope.recordOutput(slot.id, msg);
  if (!targets) return;
  if (targets.length === 1) deliver(host, run, targets[0]!, msg, scope);
  else for (const t of targets) deliver(host, run, t, cloneValue(msg), scope);
}

/** What a node may do while handling one message. */
class DeliveryIO implements NodeIO {
  params: Record<string, unknown> = {};
  private sent = 0;

  constructor(
    private readonly host: DeliveryHost,
    private readonly run: Run,
    private readonly slot: NodeSlot,
    readonly port: string,
    private readonly scope: Scope,
    private readonly step: StepRecord | undefined,
  ) {}

  send(msg: Message, port = 'out'): void {
    this.traceOutput(msg, port);
    send(this.host, this.run, this.slot, this.slot.out.get(port), msg, this.scope);
  }

  sendScoped(msg: Message, port: string, iteration: number): Promise<ScopeOutcome> {
    this.traceOutput(msg, port);
    if (this.run.halted) return Promise.resolve({ failed: true, errors: ['run halted'] });
    const child = new Scope(this.scope, iteration);
    // the scope is entered while dispatching so a synchronous body cannot settle it early
    child.enter();
    send(this.host, this.run, this.slot, this.slot.out.get(port), msg, child);
    const idle = child.whenIdle();
    child.leave();
    return idle;
  }

  evaluate(value: unknown, msg: Message): unknown {
    return this.host.templates.get(value)(new MessageScope(msg, this.scope));
  }

  get locals(): Record<string, unknown> {
    return this.run.locals;
  }

  get state(): NodeState {
    return new RunNodeState(this.run, this.slot);
  }

  checkpoint(key: string, value: unknown): Promise<void> {
    this.run.staged(this.slot.id)?.delete(key);
    return this.host.checkpoint(this.slot.id, key, value);
  }

  skipRun(reason: string): void {
    this.run.skip(reason);
    this.trace(`skipped the run: ${reason}`);
  }

  get flowMemory(): Map<string, unknown> {
    return this.host.flowMemory;
  }

  trace(line: string): void {
    if (this.step) (this.step.logs ??= []).push(line);
  }

  get runId(): string {
    return this.run.id;
  }

  get log(): Logger {
    return this.host.log;
  }

  get signal(): AbortSignal {
    return this.run.signal;
  }

  private traceOutput(sent: Message, port: string): void {
    const step = this.step;
    if (!step) return;
    // long lists are cut now: a node that sends many pages must not keep them all for its trace
    const msg = shrinkLists(sent) as Message;
    this.sent++;
    if (this.sent === 1) {
      step.output = port === 'out' ? msg : { port, message: msg };
      return;
    }
    if (this.sent === 2) step.output = [step.output];
    const list = step.output as unknown[];
    if (list.length < MAX_OUTPUTS_TRACED) list.push(port === 'out' ? msg : { port, message: msg });
    else if (list.length === MAX_OUTPUTS_TRACED) list.push({ __truncated: true, note: 'more messages were sent' });
  }
}

/** A node's state as one run sees it: its own staged writes over the committed values. */
class RunNodeState implements NodeState {
  constructor(private readonly run: Run, private readonly slot: NodeSlot) {}

  get<T>(key: string): T | undefined {
    const staged = this.run.staged(this.slot.id);
    return (staged?.has(key) ? staged.get(key) : this.slot.committed.get(key)) as T | undefined;
  }

  set(key: string, value: unknown): void {
    this.run.stage(this.slot.id, key, value);
  }

  keys(): Iterable<string> {
    const staged = this.run.staged(this.slot.id);
    if (!staged) return this.slot.committed.keys();
    const all = new Set(this.slot.committed.keys());
    for (const key of staged.keys()) all.add(key);
    return all;
  }
}
