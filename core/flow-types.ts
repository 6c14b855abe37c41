/** Flow documents, messages and run records: the shapes of SPEC §4–§6. Pure types. */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Position { x: number; y: number }

export type OnErrorPolicy = 'stop' | 'continue' | 'port';

export interface RetryPolicy { attempts: number; backoffMs?: number }

export interface FlowNode {
  id: string;
  type: string;
  name?: string;
  params: Record<string, unknown>;
  position?: Position;
  disabled?: boolean;
  retry?: RetryPolicy;
  onError?: OnErrorPolicy;
}

export interface FlowEdge {
  id?: string;
  source: string;
  sourcePort?: string;
  target: string;
  targetPort?: string;
}

/**
 * How much of each run is written to the trace store: `full` every run and step; `sampled` a
 * share of runs in full (settings.traceSample) plus every run that did not succeed; `errors`
 * only runs that did not succeed, with their trigger and failed steps; `off` nothing.
 */
export type TraceMode = 'full' | 'sampled' | 'errors' | 'off';

/** how long the runs of one class are kept: the newest `maxRuns` per flow, none older than `maxAgeDays` */
export interface RetentionLimits {
  maxRuns?: number;
  maxAgeDays?: number;
}

/**
 * Trace retention by outcome: `succeeded` covers succeeded, skipped and cancelled runs;
 * `failed` every other finished run (failed, dead-lettered), kept longer by default.
 */
export interface RetentionSettings {
  succeeded?: RetentionLimits;
  failed?: RetentionLimits;
}

export interface FlowSettings {
  trace?: TraceMode;
  /** share of runs traced in full in `sampled` mode, 0–1 (default 0.1) */
  traceSample?: number;
  /** steps kept per run (default 10,000); later steps are left out, failed ones still kept (up to 100 more) */
  traceMaxSteps?: number;
  /** per-flow memory limit of the script sandbox, MB */
  scriptMemoryMb?: number;
  /** largest message a script takes or returns, as JSON, MB (default 16) */
  scriptMessageMb?: number;
  /** everything ctx.flow may hold for the flow, as JSON, MB (default 16) */
  scriptFlowMemoryMb?: number;
  /** everything ctx.state may hold per script node, as JSON, KB (default 1024) */
  scriptStateKb?: number;
  /** this flow's retention, over the server's defaults field by field */
  retention?: RetentionSettings;
}

export interface FlowDocument {
  id?: string;
  name: string;
  description?: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  settings?: FlowSettings;
}

export interface Message {
  payload?: unknown;
  topic?: string;
  headers?: Record<string, unknown>;
  error?: { message: string; nodeId: string; code?: string };
  [key: string]: unknown;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

/** what started a run: the editor or the API (manual), a schedule, or something outside (a request, a record) */
export type TriggerKind = 'manual' | 'schedule' | 'event';

export interface RunTrigger { nodeId: string; type: string; kind?: TriggerKind }

export interface StepRecord {
  nodeId: string;
  iteration?: number;
  /** loop indices from outermost to innermost, when nested */
  iterationPath?: number[];
  status: StepStatus;
  startedAt: string;
  endedAt?: string;
  input?: unknown;
  output?: unknown;
  error?: string;
  /** resolved `${…}` params of this step */
  params?: unknown;
  attempts?: number;
  /** lines written by log nodes and script ctx.log */
  logs?: string[];
}

export interface RunRecord {
  id: string;
  flowId: string;
  flowVersion: number;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: string;
  endedAt?: string;
  error?: string;
  /** set when the run's trace hit its caps (steps, bytes) and steps were left out */
  traceTruncated?: TraceTruncation;
  steps?: StepRecord[];
}

/** Why a run's trace is not whole: `steps` were left out after the trace held `keptSteps` steps of `keptBytes` bytes. */
export interface TraceTruncation {
  steps: number;
  keptSteps: number;
  keptBytes: number;
  maxSteps: number;
  maxBytes: number;
}

export const DEFAULT_SOURCE_PORT = 'out';
export const DEFAULT_TARGET_PORT = 'in';
/** The port every node with an input has for `onError: "port"`. */
export const ERROR_PORT = 'error';
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
