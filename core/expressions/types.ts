/** Shapes shared by the expression parser, path helpers and compiler (SPEC §5). Pure types. */

/** One step of a path: an object key (string) or an array index (number). */
export type PathSegment = string | number;

/** One `${…}` found in a template. */
export interface ExprRef {
  /** set for `${nodeId|path}`, absent for `${path}` (the incoming message) */
  nodeId?: string;
  /** empty only for `${nodeId|}`, which means that node's whole message */
  path: PathSegment[];
  /** the raw text between `${` and `}` */
  source: string;
  /** index of the `$` of `${` in the template */
  start: number;
  /** index just after the closing `}` */
  end: number;
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'expr'; ref: ExprRef };

export interface ParsedTemplate {
  /** adjacent literal text is merged; `$${` escapes are already decoded to `${` */
  parts: TemplatePart[];
  /** exactly one expression and no text: the value keeps its type */
  single: boolean;
}

/** Lookup context supplied by the engine at evaluation time */
export interface EvalScope {
  message: unknown;
  /** latest message that node emitted in the current run/iteration, undefined if none */
  nodeOutput(nodeId: string): unknown;
}

export type CompiledValue = (scope: EvalScope) => unknown;
