/**
 * The shape of a template (SPEC §10): pure data the editor imports to render the three-step
 * wizard and the server instantiates into a flow. No I/O, no functions.
 *
 * Placeholders in the template's flow (resolved once, at instantiation; distinct from the
 * `${…}` runtime expressions, which are kept verbatim):
 * - a string that is exactly `{{x}}` takes the value of param `x` with its type (number,
 *   array, object…); when `x` has no value, the property (or array element) is left out;
 * - `{{x}}` inside other text is interpolated as text (objects as JSON, nothing when unset);
 * - `{{x.y}}` reads field `y` of an object param; `{{x:type}}` is the type of the connection
 *   chosen in param `x` (so a node's `type` can follow the chosen connection);
 * - `{"$if": cond, "then": v, "else"?: v}` is `v` when `cond` holds, else the `else` value or
 *   nothing; cond is `x` (set, non-empty, not false), `!x`, `x=value` or `x!=value`;
 * - `{"$map": "x", "key"?: t, "value": t}` turns object (or list) param `x` into an object,
 *   one entry per entry of `x`, with `{{$key}}` and `{{$value}}` bound in `key` and `value`;
 * - nodes and edges with `when: cond` are kept only when `cond` holds.
 * Param values are inserted as they are and never scanned for placeholders again.
 */
import type { FlowDocument, FlowEdge, FlowNode } from '../core/flow-types.ts';
import type { JsonSchema } from '../core/node-spec.ts';

/** Wizard steps, in order: connections first, then tables and fields, then schedule/options. */
export type TemplateStepId = 'connections' | 'tables' | 'schedule' | 'options';

export interface TemplateStep {
  id: TemplateStepId;
  title: string;
  description?: string;
  /** param names shown in this step, in order */
  fields: string[];
}

/**
 * A cross-field rule JSON Schema cannot say: every `use` part of `param` (the value itself,
 * list items, object keys or values) must be among the `amongUse` part of `among`. Checked
 * when both are set.
 */
export interface AmongCheck {
  kind: 'among';
  param: string;
  use: 'value' | 'items' | 'keys' | 'values';
  among: string;
  amongUse: 'items' | 'keys' | 'values';
  message: string;
}

export type TemplateCheck = AmongCheck;

/**
 * The params form. Properties of `schema` may carry hints for the wizard:
 * `x-widget` (connection, table, columns, column, mapping, sql, timezone…),
 * `x-connectionTypes` (connection params: acceptable types; checked at instantiation),
 * `x-connection` (table/column pickers: the connection param to browse),
 * `x-table` (column pickers: the table param whose columns to list).
 */
export interface TemplateForm {
  schema: JsonSchema;
  steps: TemplateStep[];
  /** per param: show only when another param has one of these values */
  showIf?: Record<string, Record<string, unknown[]>>;
  checks?: TemplateCheck[];
}

export type TemplateNode = FlowNode & { when?: string };
export type TemplateEdge = FlowEdge & { when?: string };

export interface TemplateFlow extends FlowDocument {
  nodes: TemplateNode[];
  edges: TemplateEdge[];
}

export type TemplateCategory = 'database' | 'messaging' | 'api';

export interface FlowTemplate {
  id: string;
  name: string;
  description: string;
  category: TemplateCategory;
  tags: string[];
  params: TemplateForm;
  flow: TemplateFlow;
}
