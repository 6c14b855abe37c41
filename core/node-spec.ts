/**
 * What a node type declares about itself. Importable by the editor: types and plain
 * data only, no runtime dependencies.
 */

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

export interface NodeSpec {
  type: string;
  category: NodeCategory;
  label: string;
  description?: string;
  /** input port names; empty for trigger nodes */
  inputs: string[];
  /** output port names; nodes with param-driven ports also set `dynamicOutputs` */
  outputs: string[];
  /** returns the output ports for given params (switch rules, script outputs) */
  dynamicOutputs?: (params: Record<string, unknown>) => string[];
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
  /** true when this node starts runs (timer, inject, mqtt-in…) */
  trigger?: boolean;
  ui?: NodeUiHints;
  /** extra save-time checks beyond the schema (e.g. script compiles); returns path-relative errors */
  validate?: (params: Record<string, unknown>) => ValidationIssue[];
}

export interface ValidationIssue { path: string; message: string }

export function outputsOf(spec: NodeSpec, params: Record<string, unknown>): string[] {
  return spec.dynamicOutputs ? spec.dynamicOutputs(params) : spec.outputs;
}
