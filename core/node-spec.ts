/**
 * What a node type declares about itself, in two parts kept apart on purpose:
 * - `NodeSpec`: plain JSON data (ports, params schema, UI hints). /api/node-types serves it as
 *   it is and the editor builds palettes and forms from it.
 * - `NodeSpecLogic`: the few pure functions computed from params (ports that depend on params,
 *   save-time checks the schema cannot express). The editor imports them too, so they use no
 *   runtime dependency.
 * A node type's spec.ts exports both as one `NodeDefinition`; nodes/catalogue.ts lists them.
 */
import type { TriggerKind } from './flow-types.ts';

export type JsonSchema = Record<string, unknown>;

export type NodeCategory = 'trigger' | 'flow' | 'function' | 'database' | 'messaging' | 'http' | 'output';

export interface NodeUiHints {
  icon?: string;
  color?: string;
  /** param names in the order the form shows them */
  order?: string[];
  /** per param: widget ("code", "sql", "expression", "connection", "table", "columns", "keyvalue") */
  widgets?: Record<string, string>;
  /** per param: show only when another param has one of these values */
  showIf?: Record<string, Record<string, unknown[]>>;
  help?: string;
}

/** A node that starts runs by itself, and which kind of run it starts on its own. */
export interface NodeTrigger { kind: TriggerKind }

/**
 * Which trigger `POST /trigger` fires when none is named: the first node of the first kind in
 * this order (an inject before a timer before an http-in or a consumer).
 */
export const DEFAULT_TRIGGER_ORDER: readonly TriggerKind[] = ['manual', 'schedule', 'event'];

export interface NodeSpec {
  type: string;
  category: NodeCategory;
  label: string;
  description?: string;
  /** input port names; empty for trigger nodes */
  inputs: string[];
  /** output port names; nodes whose ports depend on params compute them in `NodeSpecLogic.outputs` */
  outputs: string[];
  /** JSON Schema of the params, with their defaults (the engine applies them when a flow starts) */
  paramsSchema: JsonSchema;
  /** params whose strings are not `${}` templates (code, SQL text) */
  rawParams?: string[];
  /** params resolved by the node itself per item (e.g. db `values` per row); checked at save, left unresolved */
  lazyParams?: string[];
  /**
   * params holding credentials (string values): stored encrypted apart from the flow document,
   * shown as `"***"` by every read (write-only: `"***"` sent back keeps the stored value), given
   * in clear only to the engine, and masked by value in traces and logs
   */
  sensitiveParams?: string[];
  /** object params (name → value, e.g. headers) whose entries under credential-like names (Authorization, X-API-Key, Cookie…) are sensitive the same way */
  sensitiveEntries?: string[];
  /** connection type(s) the `connection` param must reference */
  connectionTypes?: string[];
  /** set when this node starts runs (timer, inject, mqtt-in…) */
  trigger?: NodeTrigger;
  ui?: NodeUiHints;
}

export interface ValidationIssue { path: string; message: string }

/** The pure functions of a node type (not data: never served, never stored). */
export interface NodeSpecLogic {
  /** the output ports for these params (switch rules, script outputs); default: `spec.outputs` */
  outputs?: (params: Record<string, unknown>) => string[];
  /** save-time checks beyond the schema (paths relative to params) */
  validate?: (params: Record<string, unknown>) => ValidationIssue[];
}

/** One node type as the catalogue lists it. */
export interface NodeDefinition {
  spec: NodeSpec;
  logic?: NodeSpecLogic;
}

export function outputsOf(spec: NodeSpec, logic: NodeSpecLogic | undefined, params: Record<string, unknown>): string[] {
  return logic?.outputs ? logic.outputs(params) : spec.outputs;
}
