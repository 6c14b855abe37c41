/** Shapes the REST API answers with (SPEC §6–§8), as the editor reads them. */
import type { FlowDocument, RunRecord } from '../../../core/flow-types.ts';
import type { JsonSchema, NodeCategory, NodeUiHints, ValidationIssue } from '../../../core/node-spec.ts';
import type { Environment } from '../../../core/connection-types.ts';
import type { TemplateForm } from '../../../templates/types.ts';

export type { ValidationIssue, JsonSchema, RunRecord };

export type FlowState = 'running' | 'stopped' | 'error';

export interface User { id: string; username: string; role: 'admin' | 'editor' | 'viewer' }

export interface LoginReply { token: string; user: User; expiresAt?: string }

/** GET /api/node-types: one node type */
export interface NodeTypeInfo {
  type: string;
  category: NodeCategory;
  label: string;
  description: string;
  inputs: string[];
  outputs: string[];
  dynamicOutputs: boolean;
  errorPort: boolean;
  trigger: boolean;
  paramsSchema: JsonSchema;
  rawParams: string[];
  lazyParams: string[];
  sensitiveParams: string[];
  connectionTypes: string[];
  ui: NodeUiHints;
}

/** GET /api/flows: one row */
export interface FlowSummary {
  id: string;
  name: string;
  description?: string;
  version: number;
  state: FlowState;
  stateError?: string;
  /** the version that runs, while running (older than `version` when a save could not be put into effect) */
  runningVersion?: number;
  nodeCount: number;
  updatedAt: string;
  createdAt: string;
}

export interface NodeStatusInfo { state: 'ok' | 'warn' | 'error' | 'idle'; text: string }

/** a saved version of a running flow that is not in effect (SPEC §7, PUT on a running flow) */
export interface Replacement { version: number; error?: string; at: string }

/** GET /api/flows/:id */
export interface FlowView extends FlowDocument {
  id: string;
  version: number;
  state: FlowState;
  stateError?: string;
  /** the version the engine runs (while running) */
  runningVersion?: number;
  /** the saved version when it is not running yet: being put into effect, or refused with why */
  replacement?: Replacement;
  activeRuns?: number;
  createdAt: string;
  updatedAt: string;
  nodeStatus?: Record<string, NodeStatusInfo>;
  warnings?: string[];
}

export type { ConnectionView } from '../../../core/connection-types.ts';

export interface ConnectionInput {
  id?: string;
  name: string;
  type: string;
  environment: Environment;
  params: Record<string, unknown>;
  secrets: Record<string, string | null>;
}

/** `hint`: plain language beside the driver's text (wrong password, nothing listening, …) */
export interface TestReply { ok: boolean; error?: string; hint?: string }

export interface ColumnInfo { name: string; type: string; nullable: boolean; primaryKey?: boolean }

export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
  category: string;
  tags: string[];
  params: TemplateForm;
}

/** live events: node:start / node:end carry a step plus its flow and run */
export interface StepEvent {
  flowId: string;
  runId: string;
  nodeId: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  iteration?: number;
  error?: string;
}

export interface StatusEvent extends NodeStatusInfo { flowId: string; nodeId: string }

export interface FlowStateEvent { flowId: string; state: FlowState; error?: string }
