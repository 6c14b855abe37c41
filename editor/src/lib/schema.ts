/** Reading the JSON Schemas of node params, connections and template forms to build forms. */
import type { JsonSchema } from '../api/types.ts';
import { isRecord } from './json.ts';

export type FieldKind =
  | 'code' | 'sql' | 'expression' | 'json' | 'literal' | 'keyvalue'
  | 'enum' | 'boolean' | 'integer' | 'number' | 'string' | 'password' | 'int-or-expr'
  | 'number-list' | 'string-list' | 'object' | 'object-list'
  | 'connection' | 'connections' | 'table' | 'column' | 'columns' | 'mapping' | 'timezone';

const WIDGET_KINDS: Record<string, FieldKind> = {
  code: 'code', sql: 'sql', expression: 'expression', json: 'json', keyvalue: 'keyvalue', connection: 'connection', connections: 'connections',
  table: 'table', column: 'column', columns: 'columns', mapping: 'mapping', timezone: 'timezone', rules: 'object-list',
};

export function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const props = schema['properties'];
  return isRecord(props) ? (props as Record<string, JsonSchema>) : {};
}

export function requiredOf(schema: JsonSchema): string[] {
  const req = schema['required'];
  return Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string') : [];
}

/**
 * the fields required for these values: `required`, plus the `required` of the `then` or `else`
 * branch an `if` on fixed values picks (MySQL and Oracle profiles need host and user unless in
 * professional mode)
 */
export function requiredFor(schema: JsonSchema, values: Record<string, unknown>): string[] {
  const base = requiredOf(schema);
  const cond = schema['if'];
  if (!isRecord(cond)) return base;
  const branch = holds(cond, values) ? schema['then'] : schema['else'];
  return isRecord(branch) ? [...new Set([...base, ...requiredOf(branch)])] : base;
}

/** an `if` schema made of `required` and `const`/`enum` properties, checked against the values */
function holds(cond: JsonSchema, values: Record<string, unknown>): boolean {
  if (requiredOf(cond).some((name) => values[name] === undefined)) return false;
  return Object.entries(propertiesOf(cond)).every(([name, s]) => {
    const v = values[name];
    if (v === undefined) return true;
    if ('const' in s && s['const'] !== v) return false;
    const allowed = enumOf(s);
    return !allowed || allowed.includes(v);
  });
}

/** properties in `order` first, then the rest as declared */
export function orderedFields(schema: JsonSchema, order: readonly string[] = []): string[] {
  const names = Object.keys(propertiesOf(schema));
  return [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))];
}

function typesOf(schema: JsonSchema): string[] {
  const t = schema['type'];
  if (typeof t === 'string') return [t];
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

function variants(schema: JsonSchema): JsonSchema[] {
  const any = schema['anyOf'] ?? schema['oneOf'];
  return Array.isArray(any) ? any.filter(isRecord) : [];
}

export function enumOf(schema: JsonSchema): unknown[] | undefined {
  const e = schema['enum'];
  return Array.isArray(e) ? e : undefined;
}

/** `select — get rows`; a label that already starts with its value (`0 · at most once`) shows alone */
export function enumLabel(schema: JsonSchema, value: unknown): string {
  const labels = schema['x-enumLabels'];
  const label = isRecord(labels) ? labels[String(value)] : undefined;
  if (typeof label !== 'string') return String(value);
  return label.startsWith(`${String(value)} `) ? label : `${String(value)} — ${label}`;
}

export function itemsOf(schema: JsonSchema): JsonSchema {
  const items = schema['items'];
  return isRecord(items) ? items : {};
}

export function widgetOf(schema: JsonSchema, hinted?: string): string | undefined {
  if (hinted) return hinted;
  const w = schema['x-widget'];
  return typeof w === 'string' ? w : undefined;
}

export function kindOf(schema: JsonSchema, widget?: string): FieldKind {
  const w = widgetOf(schema, widget);
  if (w && WIDGET_KINDS[w]) return WIDGET_KINDS[w];
  if (enumOf(schema)) return 'enum';
  const types = typesOf(schema);
  if (types.length === 1) {
    const t = types[0];
    if (t === 'boolean') return 'boolean';
    if (t === 'integer') return 'integer';
    if (t === 'number') return 'number';
    if (t === 'string') return 'string';
    if (t === 'array') {
      const it = typesOf(itemsOf(schema));
      if (it.includes('integer') || it.includes('number')) return 'number-list';
      if (it.includes('string')) return 'string-list';
      if (it.includes('object')) return 'object-list';
      return 'json';
    }
    if (t === 'object') return Object.keys(propertiesOf(schema)).length > 0 ? 'object' : 'keyvalue';
  }
  const vs = variants(schema);
  if (vs.length > 0) {
    const vtypes = vs.flatMap(typesOf);
    if (vs.some((v) => typesOf(v).includes('array') && typesOf(itemsOf(v)).includes('string'))) return 'string-list';
    if (vtypes.includes('integer') || vtypes.includes('number')) return 'int-or-expr';
    if (vtypes.includes('object')) return 'keyvalue';
  }
  return 'literal';
}

/** the schema's title, else the name made readable: `stopAtFirst` → `Stop at first` */
export function titleOf(schema: JsonSchema, name: string): string {
  const t = schema['title'];
  if (typeof t === 'string') return t;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function descriptionOf(schema: JsonSchema): string | undefined {
  const d = schema['description'];
  return typeof d === 'string' ? d : undefined;
}

export function defaultOf(schema: JsonSchema): unknown {
  return schema['default'];
}

/** params with each missing top-level field at its schema default (what the server will use) */
export function withDefaults(schema: JsonSchema, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const [name, prop] of Object.entries(propertiesOf(schema))) if (out[name] === undefined && prop['default'] !== undefined) out[name] = prop['default'];
  return out;
}

/** whether every `showIf` condition of a field holds for these (defaulted) values */
export function isShown(showIf: Record<string, unknown[]> | undefined, values: Record<string, unknown>): boolean {
  if (!showIf) return true;
  return Object.entries(showIf).every(([param, allowed]) => allowed.includes(values[param]));
}

/** values of string-valued additionalProperties stay strings in key-value editors */
export function keyValueStringsOnly(schema: JsonSchema): boolean {
  const add = schema['additionalProperties'];
  return isRecord(add) && typesOf(add).length === 1 && typesOf(add)[0] === 'string';
}
