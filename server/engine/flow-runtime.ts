/**
 * A started flow: node instances wired by the flow's edges, its trigger nodes listening,
 * and the runs in flight. Knows no node type by name.
 */
import { nowIso } from './clock.ts';
import { ValidationError } from '../../core/errors.ts';
import type { FlowDocument, FlowNode, Message, RunRecord, StepRecord, TraceMode } from '../../core/flow-types.ts';
import { DEFAULT_TRIGGER_ORDER, type NodeSpec } from '../../core/node-spec.ts';
import { normalEdge } from '../../core/graph/index.ts';
import { collectRefs } from '../../core/expressions/index.ts';
import type { SchemaChecker } from '../../core/schema-check.ts';
import { OperationError } from './node-api.ts';
import type { ConnectionProvider, FailureKind, FiredRun, FireOptions, HookRegistry, NodeContext, NodeRuntime, NodeState, NodeStatus } from './node-api.ts';
import type { Logger } from '../../core/logger.ts';
import type { EngineStorePort, StateWrite } from './store-port.ts';
import type { EngineEvents } from './events.ts';
import type { NodeSlot, Target } from './node-slot.ts';
import { compileParams, TemplateCache } from './params.ts';
import { DEFAULT_TRACE_CAPS, Run, type TraceCaps } from './run.ts';
import { deliver, type DeliveryHost } from './delivery.ts';
import type { Masker } from './trace-value.ts';
import { FlowTracer } from './tracer.ts';
import { cloneValue } from './clone-message.ts';
import { newRunId } from './run-id.ts';
import { StorageError, runNotRecorded } from './storage-error.ts';
import { onRecord, RecordGate } from './record-gate.ts';
import { FailureLog } from './failure-log.ts';
import { errorMessage, toError } from '../../core/guards.ts';

export interface FlowRuntimeDeps {
  specs: ReadonlyMap<string, NodeSpec>;
  runtimes: ReadonlyMap<string, NodeRuntime>;
  store: EngineStorePort;
  connections: ConnectionProvider;
  events: EngineEvents;
  hooks: HookRegistry;
  log: Logger;
  /** builds the masker for traces from the secrets currently known */
  masker: () => Masker;
  checker: SchemaChecker;
}

/** how a manual trigger (REST /trigger) fires */
export interface TriggerOptions {
  /** write the run's start before it runs; refuse it when that write fails */
  recordStart?: boolean;
}

/**
 * Where a node's context sends what the node does (fire, status, shared resources): the runtime
 * that owns the node now. A trigger kept across a new version moves with its handle (handover.ts).
 */
interface SlotHandle { runtime: FlowRuntime; abort: AbortController }

/** runs of this flow that could not be recorded for lack of storage, while it lasts */
interface StorageTrouble { error: StorageError; nodes: Set<string>; refused: number }

export class FlowRuntime {
  private readonly slots = new Map<string, NodeSlot>();
  private readonly runs = new Set<Run>();
  private readonly runningByTrigger = new Map<string, number>();
  /** shared resources by key, with the node that created it (it moves with a kept trigger) */
  private readonly shared = new Map<string, { value: Promise<unknown>; dispose: (v: never) => unknown; owner: string }>();
  private readonly handles = new Map<string, SlotHandle>();
  private readonly templates = new TemplateCache();
  private readonly flowMemory: Map<string, unknown>;
  private readonly host: DeliveryHost;
  private readonly tracer: FlowTracer;
  private readonly log: Logger;
  private readonly failures: FailureLog;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** moves the deadline of the drain under way (a retiring version told to stop) */
  private rearm: ((graceMs: number) => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  /** the committed state of trigger slots taken out by `dropTriggers`, for `revive` */
  private readonly dropped = new Map<string, Map<string, unknown>>();
  private readonly traceCaps: TraceCaps;
  /** each node's own last status, so a storage warning can be laid over it and taken off again */
  private readonly ownStatus = new Map<string, NodeStatus>();
  private storageTrouble: StorageTrouble | undefined;
  private readonly recoveryListeners = new Set<() => void>();
  private unwatchStorage: (() => void) | undefined;
  /** options of the manual trigger being fired now */
  private manual: TriggerOptions | undefined;

  constructor(
    readonly flowId: string,
    readonly version: number,
    readonly doc: FlowDocument,
    private readonly deps: FlowRuntimeDeps,
    /**
     * the running version this one replaces: node state (by node id and type) and flow memory
     * carry over; known until it has finished its runs (forgetPredecessor), so versions do not chain up
     */
    private predecessor?: FlowRuntime,
  ) {
    this.log = deps.log;
    this.failures = new FailureLog(deps.log);
    this.flowMemory = predecessor?.flowMemory ?? new Map();
    const maxSteps = doc.settings?.traceMaxSteps;
    this.traceCaps = maxSteps !== undefined ? { ...DEFAULT_TRACE_CAPS, maxSteps } : DEFAULT_TRACE_CAPS;
    this.tracer = new FlowTracer(flowId, deps.events, deps.masker, (nodeId) => this.slots.get(nodeId)?.spec.sensitiveParams);
    this.host = {
      flowId, log: deps.log, templates: this.templates, flowMemory: this.flowMemory, tracer: this.tracer,
      checkpoint: (nodeId, key, value) => this.checkpoint(nodeId, key, value),
    };
  }

  get traceMode(): TraceMode {
    return this.doc.settings?.trace ?? 'full';
  }

  /** whether this run's steps are all kept */
  private tracesInFull(): boolean {
    const mode = this.traceMode;
    if (mode === 'full') return true;
    if (mode !== 'sampled') return false;
    return Math.random() < (this.doc.settings?.traceSample ?? 0.1);
  }

  /** Creates every node instance, then starts triggers. On failure everything created is stopped. */
  async start(): Promise<void> {
    await this.prepare(new Set());
    try {
      await this.startTriggers([...this.slots.values()].filter((s) => s.spec.trigger).map((s) => s.id));
    } catch (err) {
      await this.stop(0);
      throw err;
    }
  }

  /**
   * Creates the instances of every enabled node but those in `skip` (triggers a predecessor
   * hands over), wires them and starts the ones that are not triggers. On failure everything created is stopped.
   */
  async prepare(skip: ReadonlySet<string>): Promise<void> {
    this.unwatchStorage = this.deps.store.watchStorage(() => this.storageChanged());
    try {
      const referenced = referencedNodes(this.doc, this.deps.specs);
      for (const node of this.doc.nodes) {
        if (node.disabled || skip.has(node.id)) continue;
        this.slots.set(node.id, await this.createSlot(node, referenced.has(node.id)));
      }
      this.wire();
      for (const slot of this.slots.values()) if (!slot.spec.trigger) await slot.instance.start?.();
    } catch (err) {
      await this.stop(0);
      throw err;
    }
  }

  /** starts the trigger instances of these nodes (created by prepare or revive) */
  async startTriggers(ids: Iterable<string>): Promise<void> {
    for (const id of ids) await this.slots.get(id)?.instance.start?.();
  }

  /**
   * Takes these running trigger nodes over from `from`, as they are (connected, subscribed,
   * scheduled): from now on what they fire runs here. Synchronous, so no message falls between.
   */
  adopt(from: FlowRuntime, ids: Iterable<string>): void {
    const referenced = referencedNodes(this.doc, this.deps.specs);
    const taken = new Set<string>();
    for (const id of ids) {
      const slot = from.slots.get(id);
      const handle = from.handles.get(id);
      const node = this.doc.nodes.find((n) => n.id === id);
      if (!slot || !handle || !node) continue;
      from.slots.delete(id);
      from.handles.delete(id);
      handle.runtime = this;
      this.handles.set(id, handle);
      this.slots.set(id, {
        ...slot,
        node: { ...node, params: slot.node.params },
        out: new Map(),
        ...(node.retry ? { retry: node.retry } : {}),
        onError: node.onError ?? 'stop',
        referenced: referenced.has(id),
      });
      const status = from.ownStatus.get(id);
      if (status) this.ownStatus.set(id, status);
      for (const [key, entry] of from.shared) {
        if (entry.owner !== id) continue;
        from.shared.delete(key);
        this.shared.set(key, entry);
      }
      taken.add(id);
    }
    // a kept mqtt-in waiting for the storage to recover waits here now
    for (const l of from.recoveryListeners) this.recoveryListeners.add(l);
    from.recoveryListeners.clear();
    this.wire(taken);
    from.unwire(taken);
  }

  /**
   * Stops these trigger nodes (changed or gone in the next version), waits up to `graceMs` for
   * the runs they fired, then disposes what they created (a kafka consumer leaves its group with
   * its offsets committed) so that the next version's node can take their place.
   */
  async dropTriggers(ids: ReadonlySet<string>, graceMs: number): Promise<void> {
    const slots = [...ids].map((id) => this.slots.get(id)).filter((s): s is NodeSlot => s !== undefined);
    await this.stopAll(slots);
    const deadline = Date.now() + graceMs;
    while ([...ids].some((id) => (this.runningByTrigger.get(id) ?? 0) > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const [key, entry] of [...this.shared]) {
      if (!ids.has(entry.owner)) continue;
      this.shared.delete(key);
      await this.dispose(key, entry);
    }
    for (const s of slots) {
      this.handles.get(s.id)?.abort.abort();
      this.handles.delete(s.id);
      this.slots.delete(s.id);
      this.dropped.set(s.id, s.committed);
    }
  }

  /** creates and starts again trigger nodes taken out by dropTriggers (a replacement that failed) */
  async revive(ids: Iterable<string>): Promise<void> {
    const referenced = referencedNodes(this.doc, this.deps.specs);
    const made = new Set<string>();
    for (const id of ids) {
      const node = this.doc.nodes.find((n) => n.id === id);
      if (!node || node.disabled) continue;
      this.slots.set(id, await this.createSlot(node, referenced.has(id), this.dropped.get(id)));
      this.dropped.delete(id);
      made.add(id);
    }
    this.wire(made);
    await this.startTriggers(made);
  }

  /**
   * Stops triggers, lets runs finish for up to `graceMs` (Infinity: however long they take, a
   * replaced version), cancels the rest, then stops every node. Called again while it stops,
   * the drain's deadline becomes `graceMs` from now.
   */
  stop(graceMs: number): Promise<void> {
    if (this.stopped) {
      this.rearm?.(graceMs);
      return this.stopped;
    }
    this.stopping = true;
    this.stopped = this.stopNow(graceMs);
    return this.stopped;
  }

  private async stopNow(graceMs: number): Promise<void> {
    this.unwatchStorage?.();
    this.recoveryListeners.clear();
    const triggers = [...this.slots.values()].filter((s) => s.spec.trigger);
    const others = [...this.slots.values()].filter((s) => !s.spec.trigger);
    await this.stopAll(triggers);
    await this.drain(graceMs);
    this.rearm = undefined;
    for (const run of this.runs) run.cancel();
    for (const handle of this.handles.values()) handle.abort.abort();
    await this.drain(2000);
    await this.stopAll(others);
    for (const [key, entry] of this.shared) await this.dispose(key, entry);
    this.shared.clear();
    this.deps.store.flush();
  }

  /** resolves when no run is in flight, or after `graceMs` (which `rearm` may move) */
  private drain(graceMs: number): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number): void => {
        clearTimeout(timer);
        if (Number.isFinite(ms)) timer = setTimeout(resolve, ms).unref();
      };
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      arm(graceMs);
      this.rearm = arm;
    });
  }

  private async dispose(key: string, entry: { value: Promise<unknown>; dispose: (v: never) => unknown }): Promise<void> {
    try {
      await entry.dispose((await entry.value) as never);
    } catch (err) {
      this.log.warn('disposing a shared resource failed', { flowId: this.flowId, key, error: String(err) });
    }
  }

  /** the trigger nodes now running, by id, with their document node */
  runningTriggers(): Map<string, FlowNode> {
    const out = new Map<string, FlowNode>();
    for (const slot of this.slots.values()) {
      if (!slot.spec.trigger) continue;
      const node = this.doc.nodes.find((n) => n.id === slot.id);
      if (node) out.set(slot.id, node);
    }
    return out;
  }

  /** Fire a trigger node now (editor, POST /trigger). */
  trigger(nodeId: string, payload: unknown, hasPayload: boolean, options: TriggerOptions = {}): FiredRun {
    const slot = this.slots.get(nodeId);
    if (!slot) throw new ValidationError(`node "${nodeId}" is not running in this flow`, [{ path: 'nodeId', message: 'is not a running node of this flow' }], 'NO_TRIGGER', { nodeId });
    if (slot.instance.trigger) {
      // the node fires through ctx.fire with options of its own; these are added there
      this.manual = options;
      try {
        return slot.instance.trigger(payload, hasPayload);
      } finally {
        this.manual = undefined;
      }
    }
    return this.fire(slot, { payload: hasPayload ? payload : undefined }, { kind: 'manual', ...options });
  }

  /** An operator's action on a running node (see NodeInstance.operate). */
  operate(nodeId: string, action: string, body: Record<string, unknown>): Promise<unknown> {
    const slot = this.slots.get(nodeId);
    if (!slot) throw new OperationError(`node "${nodeId}" is not running in this flow`, 404);
    if (!slot.instance.operate) throw new OperationError(`node "${nodeId}" (${slot.node.type}) has no operator actions`, 404);
    return slot.instance.operate(action, body);
  }

  /** The trigger node that /trigger fires by default: the first of the first kind in DEFAULT_TRIGGER_ORDER (manual, schedule, event). */
  defaultTrigger(): string | undefined {
    const kindOf = (n: FlowNode) => (n.disabled ? undefined : this.deps.specs.get(n.type)?.trigger?.kind);
    for (const kind of DEFAULT_TRIGGER_ORDER) {
      const first = this.doc.nodes.find((n) => kindOf(n) === kind);
      if (first) return first.id;
    }
    return undefined;
  }

  get activeRuns(): number {
    return this.runs.size;
  }

  /** the committed state map of the predecessor's node of this id and type: shared, so its last runs' commits show here */
  private inheritedState(node: FlowNode): Map<string, unknown> | undefined {
    const slot = this.predecessor?.slots.get(node.id);
    if (slot?.node.type === node.type) return slot.committed;
    return this.predecessor?.dropped.get(node.id);
  }

  private async createSlot(node: FlowNode, referenced: boolean, keptState?: Map<string, unknown>): Promise<NodeSlot> {
    const spec = this.deps.specs.get(node.type);
    const runtime = this.deps.runtimes.get(node.type);
    if (!spec || !runtime) throw new Error(`node ${node.id}: unknown node type "${node.type}"`);
    const params = this.deps.checker.withDefaults(spec.paramsSchema, node.params ?? {});
    const committed = keptState ?? this.inheritedState(node) ?? new Map(Object.entries(this.deps.store.loadNodeState(this.flowId, node.id)));
    const resolveParams = compileParams(params, spec);
    const slot: NodeSlot = {
      id: node.id,
      node: { ...node, params },
      spec,
      instance: {},
      resolveParams,
      dynamicParams: resolveParams.dynamic,
      out: new Map(),
      ...(node.retry ? { retry: node.retry } : {}),
      onError: node.onError ?? 'stop',
      referenced,
      committed,
    };
    const log = this.log;
    const handle: SlotHandle = { runtime: this, abort: new AbortController() };
    this.handles.set(node.id, handle);
    const ctx: NodeContext = {
      flowId: this.flowId,
      get flowVersion() {
        return handle.runtime.version;
      },
      get flowSettings() {
        return handle.runtime.doc.settings ?? {};
      },
      node: slot.node,
      params,
      log,
      state: this.committedState(slot),
      evaluate: (value, msg) => this.templates.get(value)({ message: msg, nodeOutput: () => undefined }),
      flowMemory: this.flowMemory,
      connections: this.deps.connections,
      shared: (key, create, dispose) => handle.runtime.sharedResource(node.id, key, create, dispose),
      signal: handle.abort.signal,
      fire: (msg, options) => handle.runtime.fireFrom(node.id, msg, options),
      fireFailed: (msg, error, options) => handle.runtime.fireFailedFrom(node.id, msg, error, options),
      setStatus: (status: NodeStatus) => handle.runtime.nodeStatus(node.id, status),
      hooks: this.deps.hooks,
      storageRecovered: (listener) => handle.runtime.onStorageRecovered(listener),
    };
    try {
      slot.instance = await runtime.create(ctx);
    } catch (err) {
      throw new Error(`node ${node.id} (${node.type}) could not start: ${errorMessage(err)}`);
    }
    return slot;
  }

  /** connects the outputs of these nodes (all by default) to their targets */
  private wire(sources?: ReadonlySet<string>): void {
    for (const edge of this.doc.edges) {
      const e = normalEdge(edge);
      if (sources && !sources.has(e.source)) continue;
      const from = this.slots.get(e.source);
      const to = this.slots.get(e.target);
      if (!from || !to) continue; // disabled nodes cut their wires
      const list = from.out.get(e.sourcePort);
      const target: Target = { slot: to, port: e.targetPort };
      if (list) list.push(target);
      else from.out.set(e.sourcePort, [target]);
    }
  }

  /** takes the wires into these (adopted) nodes off the nodes left here */
  private unwire(ids: ReadonlySet<string>): void {
    for (const slot of this.slots.values()) {
      for (const [port, targets] of slot.out) slot.out.set(port, targets.filter((t) => !ids.has(t.slot.id)));
    }
  }

  private committedState(slot: NodeSlot): NodeState {
    return {
      get: <T>(key: string) => slot.committed.get(key) as T | undefined,
      keys: () => slot.committed.keys(),
      set: (key, value) => {
        this.deps.store.commitState([{ flowId: this.flowId, nodeId: slot.id, key, value }], (error) => {
          if (error) this.log.warn('node state could not be saved', { flowId: this.flowId, nodeId: slot.id, key, error: error.message });
        });
        slot.committed.set(key, value);
      },
    };
  }

  /** one key of a node's state committed now, outside the run's end (NodeIO.checkpoint) */
  private async checkpoint(nodeId: string, key: string, value: unknown): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      try {
        this.deps.store.commitState([{ flowId: this.flowId, nodeId, key, value }], (error) => (error ? reject(error) : resolve()));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    this.slots.get(nodeId)?.committed.set(key, value);
  }

  private async sharedResource<T>(owner: string, key: string, create: () => Promise<T> | T, dispose: (v: T) => Promise<void> | void): Promise<T> {
    let entry = this.shared.get(key);
    if (!entry) {
      entry = { value: Promise.resolve().then(create), dispose: dispose as (v: never) => unknown, owner };
      this.shared.set(key, entry);
    }
    return (await entry.value) as T;
  }

  private newRecord(slot: NodeSlot, options: FireOptions): RunRecord {
    return {
      id: newRunId(),
      flowId: this.flowId,
      flowVersion: this.version,
      trigger: { nodeId: slot.id, type: slot.node.type, kind: options.kind ?? 'event' },
      status: 'running',
      startedAt: nowIso(),
    };
  }

  /** a run of this trigger is in flight, here or in the version this one replaced (a serial timer never overlaps across a save) */
  private triggerBusy(nodeId: string): boolean {
    return (this.runningByTrigger.get(nodeId) ?? 0) > 0 || (this.predecessor?.triggerBusy(nodeId) ?? false);
  }

  /** the replaced version has finished its runs and stopped */
  forgetPredecessor(): void {
    this.predecessor = undefined;
  }

  /** a node's ctx.fire: the node may have left this flow meanwhile (dropped in a replacement) */
  private fireFrom(nodeId: string, msg: Message, options: FireOptions = {}): FiredRun {
    const slot = this.slots.get(nodeId);
    if (slot) return this.fire(slot, msg, options);
    const runId = newRunId();
    return { runId, done: Promise.resolve({ runId, status: 'cancelled', error: 'the node is stopping' }), recorded: onRecord };
  }

  private fireFailedFrom(nodeId: string, msg: Message, error: string, options: FireOptions = {}): FiredRun {
    const slot = this.slots.get(nodeId);
    if (slot) return this.fireFailed(slot, msg, error, options);
    return this.fireFrom(nodeId, msg, options);
  }

  private fire(slot: NodeSlot, msg: Message, options: FireOptions = {}): FiredRun {
    const record = this.newRecord(slot, options);
    if (this.stopping) {
      return { runId: record.id, done: Promise.resolve({ runId: record.id, status: 'cancelled', error: 'flow is stopping' }), recorded: onRecord };
    }
    // while the store cannot write, nothing starts that could not be recorded or commit its state
    const problem = this.deps.store.storageProblem();
    if (problem) return this.refuse(slot, record, problem);
    if (options.skipIfRunning && this.triggerBusy(slot.id)) return this.recordSkipped(record);
    const full = this.tracesInFull();
    let gate: RecordGate | undefined;
    if (full && (options.recordStart ?? this.manual?.recordStart)) {
      try {
        this.deps.store.runStartedNow(record);
      } catch (err) {
        if (err instanceof StorageError) return this.refuse(slot, record, err);
        throw err;
      }
    } else if (full) {
      gate = new RecordGate();
      this.deps.store.runStarted(record, gate.written);
      if (gate.error instanceof StorageError) return this.refuse(slot, record, gate.error);
    }
    const run = new Run(record, options.locals ?? {}, full, (r) => this.finish(r, slot.id, gate), this.traceCaps);
    this.runs.add(run);
    this.runningByTrigger.set(slot.id, (this.runningByTrigger.get(slot.id) ?? 0) + 1);
    if (this.deps.events.wants(this.flowId)) this.deps.events.runStart(this.flowId, record);
    const now = record.startedAt;
    const step: StepRecord = { nodeId: slot.id, status: 'succeeded', startedAt: now, endedAt: now, output: msg };
    run.admit();
    run.addStep(step);
    this.tracer.seal(run, step);
    run.triggerStep = step;
    run.enter(run.root);
    if (slot.referenced) run.root.recordOutput(slot.id, msg);
    const targets = slot.out.get('out');
    if (targets) {
      if (targets.length === 1) deliver(this.host, run, targets[0]!, msg, run.root);
      else for (const t of targets) deliver(this.host, run, t, cloneValue(msg), run.root);
    }
    run.leave(run.root);
    return { runId: record.id, done: run.done, recorded: gate ? () => gate.promise() : onRecord };
  }

  /** a run that does not start because it could not be recorded: nothing ran */
  private refuse(slot: NodeSlot, record: RunRecord, error: StorageError): FiredRun {
    const trouble = this.noteStorage(slot.id, error);
    trouble.refused++;
    const outcome = { runId: record.id, status: 'failed' as const, error: runNotRecorded(error) };
    return { runId: record.id, refused: error, done: Promise.resolve(outcome), recorded: () => Promise.reject(error) };
  }

  private fireFailed(slot: NodeSlot, msg: Message, error: string, options: FireOptions = {}): FiredRun {
    const record: RunRecord = { ...this.newRecord(slot, options), status: 'failed', error: `node ${slot.id}: ${error}` };
    const now = record.startedAt;
    record.endedAt = now;
    const step: StepRecord = { nodeId: slot.id, status: 'failed', startedAt: now, endedAt: now, output: msg, error };
    if (this.traceMode !== 'off') this.safeStore(() => this.deps.store.runFinished(record, [this.tracer.serialise(step)], []));
    this.deps.events.runEnd(this.flowId, record);
    return { runId: record.id, done: Promise.resolve({ runId: record.id, status: 'failed', error: record.error! }), recorded: onRecord };
  }

  private recordSkipped(record: RunRecord): FiredRun {
    record.status = 'skipped';
    record.endedAt = record.startedAt;
    record.error = 'skipped: the previous run of this serial trigger was still running';
    if (this.traceMode !== 'off') this.safeStore(() => this.deps.store.runFinished(record, [], []));
    this.deps.events.runEnd(this.flowId, record);
    return { runId: record.id, done: Promise.resolve({ runId: record.id, status: 'skipped', error: record.error }), recorded: onRecord };
  }

  /**
   * The run ended. Its end (and, when it succeeded, its staged node state) is written; it
   * settles once that is stored — or as failed, with its state not committed, when it is not.
   */
  private finish(run: Run, triggerId: string, gate: RecordGate | undefined): void {
    this.runs.delete(run);
    const left = (this.runningByTrigger.get(triggerId) ?? 1) - 1;
    if (left === 0) this.runningByTrigger.delete(triggerId);
    else this.runningByTrigger.set(triggerId, left);
    const record = run.record;
    if (gate?.error) {
      // its start was not stored (whoever fired it was told): it does not count as done
      this.notRecorded(run, triggerId, gate.error, []);
    } else {
      const writes: StateWrite[] = [];
      if (record.status === 'succeeded') {
        for (const [nodeId, map] of run.stagedState) for (const [key, value] of map) writes.push({ flowId: this.flowId, nodeId, key, value });
      }
      const keep = run.keepSteps || (this.traceMode !== 'off' && record.status !== 'succeeded');
      if (keep || writes.length > 0) this.record(run, triggerId, keep, writes, gate);
      else this.settle(run, record.status, record.error);
    }
    if (this.runs.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private record(run: Run, triggerId: string, keep: boolean, writes: StateWrite[], gate: RecordGate | undefined): void {
    const record = run.record;
    // later runs see the new state at once (watermarks move on); taken back if the write fails
    for (const w of writes) this.slots.get(w.nodeId)?.committed.set(w.key, w.value);
    let answered = false;
    const written = (error?: Error): void => {
      if (answered) return;
      answered = true;
      gate?.written(error);
      if (error) this.notRecorded(run, triggerId, error, writes);
      else this.settle(run, record.status, record.error);
    };
    try {
      if (keep) {
        const mask = this.deps.masker();
        this.deps.store.runFinished(record, run.tracedSteps().map((s) => this.tracer.stored(s, mask)), writes, written);
      } else this.deps.store.commitState(writes, written);
    } catch (err) {
      // e.g. a value that cannot be serialised: nothing of the run was queued
      written(toError(err));
    }
  }

  /** The run's end could not be stored: its state is not committed and it settles failed. */
  private notRecorded(run: Run, triggerId: string, error: Error, writes: StateWrite[]): void {
    const storage = error instanceof StorageError ? error : undefined;
    const message = storage ? runNotRecorded(storage) : `the run could not be recorded: ${error.message}`;
    this.reloadState(writes);
    if (storage) this.noteStorage(triggerId, storage);
    else this.log.error('recording a run failed', { flowId: this.flowId, runId: run.id, error: message });
    this.settle(run, 'failed', message, 'unavailable', true);
    // the failure itself, without steps or state: kept by the store until it can write again
    if (this.traceMode !== 'off') this.safeStore(() => this.deps.store.runFinished(run.record, [], []));
  }

  private settle(run: Run, status: RunRecord['status'], error: string | undefined, kind?: FailureKind, transient?: boolean): void {
    run.settle(status, error, kind, transient);
    if (status === 'failed') this.failures.runFailed(run.record);
    this.deps.events.runEnd(this.flowId, run.record);
  }

  /** the committed state of these nodes as the store has it (a write of it failed) */
  private reloadState(writes: StateWrite[]): void {
    for (const nodeId of new Set(writes.map((w) => w.nodeId))) {
      const slot = this.slots.get(nodeId);
      if (!slot) continue;
      try {
        const stored = this.deps.store.loadNodeState(this.flowId, nodeId);
        slot.committed.clear();
        for (const [key, value] of Object.entries(stored)) slot.committed.set(key, value);
      } catch (err) {
        this.log.warn('reloading node state failed', { flowId: this.flowId, nodeId, error: String(err) });
      }
    }
  }

  /** Runs of `nodeId` cannot be recorded: warn once per condition, show it on the node until it is over. */
  private noteStorage(nodeId: string, error: StorageError): StorageTrouble {
    let trouble = this.storageTrouble;
    if (!trouble || trouble.error.code !== error.code) {
      trouble = this.storageTrouble = { error, nodes: trouble?.nodes ?? new Set(), refused: trouble?.refused ?? 0 };
      this.log.warn(`${runNotRecorded(error)}; new runs of this flow are refused until the storage can write again`, {
        flowId: this.flowId, nodeId, code: error.code, detail: error.detail,
      });
      for (const id of trouble.nodes) this.showStatus(id);
    }
    if (!trouble.nodes.has(nodeId)) {
      trouble.nodes.add(nodeId);
      this.showStatus(nodeId);
    }
    return trouble;
  }

  private storageChanged(): void {
    const trouble = this.storageTrouble;
    if (!trouble || this.deps.store.storageProblem()) return;
    this.storageTrouble = undefined;
    this.log.info('the storage can write again; this flow records runs again', { flowId: this.flowId, refused: trouble.refused });
    for (const id of trouble.nodes) this.showStatus(id);
    const listeners = [...this.recoveryListeners];
    this.recoveryListeners.clear();
    for (const l of listeners) {
      try {
        l();
      } catch (err) {
        this.log.warn('a storage recovery listener failed', { flowId: this.flowId, error: String(err) });
      }
    }
  }

  private onStorageRecovered(listener: () => void): () => void {
    if (!this.storageTrouble && !this.deps.store.storageProblem()) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.recoveryListeners.add(listener);
    return () => void this.recoveryListeners.delete(listener);
  }

  private nodeStatus(nodeId: string, status: NodeStatus): void {
    this.ownStatus.set(nodeId, status);
    if (this.storageTrouble?.nodes.has(nodeId)) this.showStatus(nodeId);
    else this.deps.events.nodeStatus(this.flowId, nodeId, status);
  }

  /** the node's own status, with the storage condition laid over it while it lasts */
  private showStatus(nodeId: string): void {
    const own = this.ownStatus.get(nodeId);
    const trouble = this.storageTrouble;
    if (!trouble?.nodes.has(nodeId)) {
      this.deps.events.nodeStatus(this.flowId, nodeId, own ?? { state: 'ok', text: '' });
      return;
    }
    const what = trouble.error.code === 'STORAGE_FULL' ? 'storage full' : 'storage unavailable';
    const note = `${what}: new runs are refused and their messages not acknowledged until it can write again`;
    this.deps.events.nodeStatus(this.flowId, nodeId, {
      ...own, state: 'error', text: own?.text ? `${own.text} · ${note}` : note, storage: trouble.error.code,
    });
  }

  private safeStore(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.log.error('store write failed', { flowId: this.flowId, error: String(err) });
    }
  }

  private async stopAll(slots: NodeSlot[]): Promise<void> {
    await Promise.all(
      slots.map(async (s) => {
        try {
          await s.instance.stop?.();
        } catch (err) {
          this.log.warn('node stop failed', { flowId: this.flowId, nodeId: s.id, error: String(err) });
        }
      }),
    );
  }
}


/** Ids of the nodes that some `${id|…}` expression of the flow names. */
function referencedNodes(doc: FlowDocument, specs: ReadonlyMap<string, NodeSpec>): Set<string> {
  const ids = new Set<string>();
  for (const node of doc.nodes) {
    const raw = new Set(specs.get(node.type)?.rawParams ?? []);
    for (const [key, value] of Object.entries(node.params ?? {})) {
      if (raw.has(key)) continue;
      for (const ref of collectRefs(value)) if (ref.nodeId !== undefined) ids.add(ref.nodeId);
    }
  }
  return ids;
}
