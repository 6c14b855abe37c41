/**
 * Template placeholders (see types.ts): `{{param}}` values, `$if`/`$map` blocks and `when`
 * conditions, resolved once into a plain flow document. Pure: the editor can preview with it.
 * `${…}` runtime expressions are ordinary text here and pass through verbatim.
 */
import type { FlowDocument, FlowEdge, FlowNode } from '../core/flow-types.ts';
import type { TemplateFlow } from './types.ts';
import { isRecord } from '../core/guards.ts';

export interface PlaceholderScope {
  params: Readonly<Record<string, unknown>>;
  /** connection type per connection param name, for `{{x:type}}` */
  connectionTypes?: Readonly<Record<string, string>>;
}

/** A mistake in the template itself (not in the user's params). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Marks a value that is left out of its object or array. */
const OMIT: unique symbol = Symbol('omit');
type Out = unknown | typeof OMIT;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const REF = /^(\$?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*)(?::(type))?$/;
const CONDITION = /^(!)?([^!=\s]+)(?:(!=|=)(.*))?$/;

function readPath(params: Readonly<Record<string, unknown>>, path: string): unknown {
  let v: unknown = params;
  for (const part of path.split('.')) {
    if (!isRecord(v) || !Object.prototype.hasOwnProperty.call(v, part)) return undefined;
    v = v[part];
  }
  return v;
}

/** The value a placeholder reference (`x`, `x.y`, `x:type`) names; undefined when unset. */
function lookup(ref: string, scope: PlaceholderScope): unknown {
  const m = REF.exec(ref);
  if (!m) throw new TemplateError(`malformed placeholder {{${ref}}}`);
  const path = m[1]!;
  if (m[2] === 'type') return scope.connectionTypes?.[path];
  return readPath(scope.params, path);
}

function toText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Whether a param counts as given: not unset, null, '', false, [] or {}. */
export function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.keys(v).length > 0;
  return true;
}

/** `x`, `!x`, `x=value`, `x!=value`. */
export function conditionHolds(cond: string, scope: PlaceholderScope): boolean {
  const m = CONDITION.exec(cond.trim());
  if (!m) throw new TemplateError(`malformed condition "${cond}"`);
  const [, not, ref, op, expected] = m;
  const value = lookup(ref!, scope);
  let holds: boolean;
  if (op === undefined) holds = isSet(value);
  else {
    const equal = value !== undefined && value !== null && toText(value) === expected;
    holds = op === '=' ? equal : !equal;
  }
  return not ? !holds : holds;
}

/** The param a string that is exactly one plain placeholder (`{{x}}`) takes, else undefined. */
export function wholePlaceholder(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = WHOLE.exec(value);
  const ref = m ? REF.exec(m[1]!) : null;
  return ref && ref[2] === undefined ? ref[1] : undefined;
}

function substituteString(text: string, scope: PlaceholderScope): Out {
  const whole = WHOLE.exec(text);
  if (whole) {
    const v = lookup(whole[1]!, scope);
    return v === undefined ? OMIT : structuredClone(v);
  }
  return text.replace(PLACEHOLDER, (_all, ref: string) => toText(lookup(ref, scope)));
}

function onlyKeys(block: Record<string, unknown>, allowed: string[], what: string): void {
  const extra = Object.keys(block).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new TemplateError(`${what} block has unknown key(s) ${extra.join(', ')}`);
}

function substituteIf(block: Record<string, unknown>, scope: PlaceholderScope): Out {
  onlyKeys(block, ['$if', 'then', 'else'], '$if');
  const cond = block['$if'];
  if (typeof cond !== 'string') throw new TemplateError('$if needs a condition string');
  if (conditionHolds(cond, scope)) return 'then' in block ? substituteAny(block['then'], scope) : OMIT;
  return 'else' in block ? substituteAny(block['else'], scope) : OMIT;
}

function substituteMap(block: Record<string, unknown>, scope: PlaceholderScope): Out {
  onlyKeys(block, ['$map', 'key', 'value'], '$map');
  const source = block['$map'];
  if (typeof source !== 'string') throw new TemplateError('$map needs a param name');
  const keyTemplate = block['key'];
  if (keyTemplate !== undefined && typeof keyTemplate !== 'string') throw new TemplateError('$map key must be a string');
  const input = lookup(source, scope);
  if (input === undefined || input === null) return OMIT;
  if (!Array.isArray(input) && !isRecord(input)) throw new TemplateError(`$map: param "${source}" is neither a list nor an object`);
  const entries: [string, unknown][] = Array.isArray(input) ? input.map((v, i) => [String(i), v]) : Object.entries(input);
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const inner: PlaceholderScope = { ...scope, params: { ...scope.params, $key: key, $value: value } };
    const k = keyTemplate === undefined ? key : substituteString(keyTemplate, inner);
    const v = substituteAny(block['value'], inner);
    if (k === OMIT || v === OMIT) continue;
    out[toText(k)] = v;
  }
  return out;
}

function substituteAny(value: unknown, scope: PlaceholderScope): Out {
  if (typeof value === 'string') return substituteString(value, scope);
  if (Array.isArray(value)) return value.map((v) => substituteAny(v, scope)).filter((v) => v !== OMIT);
  if (isRecord(value)) {
    if ('$if' in value) return substituteIf(value, scope);
    if ('$map' in value) return substituteMap(value, scope);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sub = substituteAny(v, scope);
      if (sub !== OMIT) out[toText(substituteString(k, scope))] = sub;
    }
    return out;
  }
  return value;
}

/** `value` with its placeholders resolved; undefined when the whole value is left out. */
export function substitute(value: unknown, scope: PlaceholderScope): unknown {
  const out = substituteAny(value, scope);
  return out === OMIT ? undefined : out;
}

/**
 * The flow a template makes: nodes and edges whose `when` holds, placeholders resolved, and
 * edges to nodes that were left out dropped.
 */
export function materializeFlow(flow: TemplateFlow, scope: PlaceholderScope, doc: { name: string; description?: string }): FlowDocument {
  const nodes: FlowNode[] = [];
  for (const { when, ...node } of flow.nodes) {
    if (when !== undefined && !conditionHolds(when, scope)) continue;
    nodes.push(substitute(node, scope) as FlowNode);
  }
  const ids = new Set(nodes.map((n) => n.id));
  const edges: FlowEdge[] = [];
  for (const { when, ...edge } of flow.edges) {
    if (when !== undefined && !conditionHolds(when, scope)) continue;
    const e = substitute(edge, scope) as FlowEdge;
    if (ids.has(e.source) && ids.has(e.target)) edges.push(e);
  }
  const description = doc.description ?? flow.description;
  return {
    name: doc.name,
    ...(description !== undefined ? { description } : {}),
    nodes,
    edges,
    ...(flow.settings ? { settings: structuredClone(flow.settings) } : {}),
  };
}

/** Every param a template value refers to (placeholders, conditions, `$map` sources), for checks. */
export function referencedParams(value: unknown, into: Set<string> = new Set()): Set<string> {
  const add = (ref: string): void => {
    const m = REF.exec(ref.trim());
    if (!m) throw new TemplateError(`malformed placeholder {{${ref}}}`);
    const root = m[1]!.split('.')[0]!;
    if (!root.startsWith('$')) into.add(root);
  };
  if (typeof value === 'string') for (const m of value.matchAll(PLACEHOLDER)) add(m[1]!);
  else if (Array.isArray(value)) for (const v of value) referencedParams(v, into);
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$if' || k === 'when') {
        const m = CONDITION.exec(String(v).trim());
        if (m) add(m[2]!);
      } else if (k === '$map') add(String(v));
      else {
        referencedParams(k, into);
        referencedParams(v, into);
      }
    }
  }
  return into;
}
