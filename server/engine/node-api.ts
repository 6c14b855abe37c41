/**
 * The contract between the engine and node runtimes: what a runtime is given (context, one
 * message's IO) and gives back (an instance). Node runtimes import this file (its types,
 * NodeError and labelBinary) and the connection contract; the engine never imports a node type.
 */
import type { FlowNode, FlowSettings, Message, RunStatus, TriggerKind } from '../../core/flow-types.ts';
import type { Logger } from '../../core/logger.ts';
import { AppError } from '../../core/errors.ts';
import type { ConnectionProfileResolved, QueryAnswer, QueryRequest } from '../connections/driver-api.ts';
import type { StorageError } from './storage-error.ts';

export { StorageError, runNotRecorded } from './storage-error.ts';

/** nodes that make binary payloads name their media type for the trace summary */
export { labelBinary } from './binary.ts';

/** Key/value state of one node, persisted in the store. */
export interface NodeState {
  get<T = unknown>(key: string): T | undefined;
  /** staged in the current run; committed with the run's success, dropped on failure */
  set(key: string, value: unknown): void;
  /** every key that may hold a value, as `get` sees them (the script sandbox sums their sizes) */
  keys?(): Iterable<string>;
}

/** A pooled client of a saved connection profile, shared by every node that uses it. */
export interface ConnectionLease<T = unknown> {
  /** the driver's client (mysql2 pool, pg pool, mqtt client, kafka instance…) */
  client: T;
  /** connection profile params, secrets decrypted */
  profile: ConnectionProfileResolved;
  release(): Promise<void>;
}

export interface ConnectionProvider {
  acquire<T = unknown>(connectionId: string, expectedType?: string | string[]): Promise<ConnectionLease<T>>;
  /** every secret value known, so traces and logs can mask them */
  secretValues(): string[];
  /** one statement with bound values through a database connection (scripts' `ctx.db`) */
  query(connectionId: string, request: QueryRequest): Promise<QueryAnswer>;
}

/** Everything a node instance gets when its flow starts. */
export interface NodeContext<P = Record<string, unknown>> {
  flowId: string;
  flowVersion: number;
  /** the flow document's settings (trace mode, script memory limit) */
  flowSettings: FlowSettings;
  node: FlowNode & { params: P };
  /** params as saved (templates not resolved) */
  params: P;
  log: Logger;
  /** committed state of this node (outside runs); inside onMessage use `io.state`, which is staged per run */
  state: NodeState;
  /** resolve a template value against a message (e.g. inject's payload) */
  evaluate(value: unknown, msg: Message): unknown;
  /** flow-wide in-memory key/value (script ctx.flow) */
  flowMemory: Map<string, unknown>;
  connections: ConnectionProvider;
  /** a resource shared by all nodes of this flow, created once, disposed when the flow stops */
  shared<T>(key: string, create: () => Promise<T> | T, dispose: (value: T) => Promise<void> | void): Promise<T>;
  /** abort signal that fires when the flow stops */
  signal: AbortSignal;
  /** for trigger nodes: start a run with this message */
  fire(msg: Message, options?: FireOptions): FiredRun;
  /**
   * for trigger nodes: record a run that failed at the trigger (e.g. a payload that does not
   * parse): the trigger's step holds `msg` and `error`, nothing is delivered, done → failed
   */
  fireFailed(msg: Message, error: string, options?: FireOptions): FiredRun;
  /** report a status shown on the canvas (e.g. "connected", consumer lag) */
  setStatus(status: NodeStatus): void;
  /** the flow's HTTP hook registry (for http-in) */
  hooks: HookRegistry;
  /**
   * once, when the storage can write again after runs of this flow were refused (FiredRun.refused),
   * e.g. to have a broker deliver again what was not acknowledged; returns the cancel
   */
  storageRecovered?(listener: () => void): () => void;
}

export interface NodeStatus { state: 'ok' | 'warn' | 'error' | 'idle'; text: string; [key: string]: unknown }

export interface FireOptions {
  kind?: TriggerKind;
  /** serial task mode: do not start when a run of this trigger is still running; record a skipped run */
  skipIfRunning?: boolean;
  /** per-run values visible to every node of the run (e.g. the HTTP response of http-in) */
  locals?: Record<string, unknown>;
  /**
   * write the run's start before it runs (one write, not batched): for a trigger that
   * acknowledges its message right away (MQTT QoS 1), so the ack means the run is stored.
   * A run whose start cannot be stored is refused.
   */
  recordStart?: boolean;
}

export interface FiredRun {
  runId: string;
  /** resolves when the run has ended and its end is stored (never rejects); failed when the end could not be stored */
  done: Promise<RunOutcome>;
  /**
   * set when the run did not start because it cannot be recorded (storage full or
   * unavailable): nothing ran, `done` is failed; do not acknowledge the message
   */
  refused?: StorageError;
  /**
   * resolves once the run is on record (its start or end stored; at once when nothing is
   * recorded at its start); rejects with the StorageError when it cannot be
   */
  recorded?(): Promise<void>;
}

/**
 * What kind of failure ended a run, as told to callers outside the flow (an HTTP answer): a
 * stable class that carries no detail (no database text, no connection name).
 * `conflict`: the data's state refuses it (unique or foreign key); `invalid`: a value the
 * target cannot take; `unavailable`: a service is down or busy (trying later may work);
 * `timeout`: a statement ran out of time; `internal`: anything else.
 */
export type FailureKind = 'conflict' | 'invalid' | 'unavailable' | 'timeout' | 'internal';

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  error?: string;
  /** set for a failed run whose failing node said what kind of failure it was */
  kind?: FailureKind;
  /**
   * failed because of a condition that trying again may cure (a node threw an error marked
   * retryable: connection lost, broker or database down; or the run could not be stored), not
   * because of the message itself: a trigger waits and delivers it again, never dead-letters it
   */
  transient?: boolean;
}

/**
 * The params of one message: `${}` templates resolved against it (raw and lazy params as saved).
 * Keys are those of the node's params, values may be of any type: a template gives whatever its
 * expression gives, so a runtime checks what it reads here.
 */
export type ResolvedParams<P> = { readonly [K in keyof P]: unknown };

/** One delivery of a message to a node, with what the node may do in reply. */
export interface NodeIO<P = Record<string, unknown>> {
  /** input port the message arrived on */
  port: string;
  params: ResolvedParams<P>;
  /** emit a message on an output port (default "out"); delivery is immediate */
  send(msg: Message, port?: string): void;
  /**
   * emit on a port in a new iteration scope (loop): `${thisNode|…}` downstream resolves
   * to this message; resolves when everything downstream of it has finished.
   */
  sendScoped(msg: Message, port: string, iteration: number): Promise<ScopeOutcome>;
  /** resolve a template value (string/object/array) against another message, e.g. per row */
  evaluate(value: unknown, msg: Message): unknown;
  /** run-wide values set by the trigger (FireOptions.locals) */
  locals: Record<string, unknown>;
  /** this node's state as seen by this run: `set` is staged and committed only if the run succeeds */
  state: NodeState;
  /**
   * commit `key` of this node's state now, whatever the run's end (a checkpoint: an incremental
   * read's watermark once the page behind it was written); resolves once it is stored, rejects
   * when it is not. A value of the same key staged by this run is dropped.
   */
  checkpoint?(key: string, value: unknown): Promise<void>;
  /**
   * end this run as `skipped` (recorded with `reason`) unless it fails: the node did nothing and
   * sends nothing (e.g. an incremental read that an earlier run is still doing)
   */
  skipRun?(reason: string): void;
  /** flow-wide in-memory key/value */
  flowMemory: Map<string, unknown>;
  /** lines for the step's trace (also logged) */
  trace(line: string): void;
  runId: string;
  log: Logger;
  signal: AbortSignal;
}

export interface ScopeOutcome { failed: boolean; errors: string[] }

export interface NodeInstance<P = Record<string, unknown>> {
  /** a message arrived; throw to fail the step (the engine applies retry/onError) */
  onMessage?(msg: Message, io: NodeIO<P>): void | Promise<void>;
  /** trigger nodes start listening/scheduling here */
  start?(): void | Promise<void>;
  /** stop listening; release connections */
  stop?(): void | Promise<void>;
  /** fire from the editor or POST /trigger; `payload` replaces the node's own */
  trigger?(payload: unknown | undefined, hasPayload: boolean): FiredRun;
  /**
   * an operator's action on a running node (POST /api/flows/:id/nodes/:nodeId/<action>, e.g.
   * `stuck/skip`); answers a JSON value, throws OperationError for a refused action
   */
  operate?(action: string, body: Record<string, unknown>): Promise<unknown>;
}

/** An operator action the node refuses: `status` is the HTTP answer (404 nothing to act on, 409 not now, 400 bad body). */
export class OperationError extends AppError<OperationCode> {
  constructor(message: string, status: 400 | 404 | 409 = 409) {
    super(status === 404 ? 'OPERATION_NOT_FOUND' : status === 400 ? 'OPERATION_INVALID' : 'OPERATION_REFUSED', message, {});
    this.name = 'OperationError';
  }
}

type OperationCode = 'OPERATION_NOT_FOUND' | 'OPERATION_INVALID' | 'OPERATION_REFUSED';

/**
 * A node type's behaviour. `P` is the type of its params, derived from its spec's schema
 * (`ParamsOf<typeof schema>`): the engine hands `create` the saved params checked against that
 * schema, with its defaults filled in.
 */
export interface NodeRuntime<P = Record<string, unknown>> {
  type: string;
  create(ctx: NodeContext<P>): NodeInstance<P> | Promise<NodeInstance<P>>;
}

/** http-in registers handlers here; the HTTP layer serves them under /hooks/. */
export interface HookRegistry {
  register(route: HookRoute): () => void;
}

export interface HookRoute {
  method: string;
  /** path below /hooks/, may hold :params */
  path: string;
  /** body size limit in bytes */
  maxBodyBytes?: number;
  /** which other origins a browser may call this route from (none when unset); see server/http/hook-cors.ts */
  cors?: CorsPolicy;
  handle(req: HookRequest): Promise<HookResponse>;
}

/** Cross-origin access to one /hooks route (answered by the HTTP layer, preflights without a run). */
export interface CorsPolicy {
  /** exact origins (`https://app.example.com`), or `*` for any */
  origins: string[];
  /** methods a preflight may ask for */
  methods: string[];
  /** request headers a preflight may ask for (lower case); `*` for any */
  headers: string[];
  /** response headers the page may read besides the safelisted ones */
  exposeHeaders: string[];
  /** the browser may send cookies / HTTP auth (never with `*` origins) */
  credentials: boolean;
  /** how long a browser may keep a preflight's answer */
  maxAgeSeconds: number;
}

export interface HookRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  rawBody?: Buffer;
}

export interface HookResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** let a served page run scripts (in a sandbox with an opaque origin); see server/http/hooks.ts */
  allowScripts?: boolean;
}

/** A node error with a code the trace can show, and the kind of failure callers are told. */
export class NodeError extends Error {
  constructor(message: string, readonly code?: string, readonly retryable = true, readonly kind?: FailureKind) {
    super(message);
    this.name = 'NodeError';
  }
}
