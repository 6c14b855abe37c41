/**
 * http-in params with logic of their own (pure, beside the spec):
 * Declared query parameters of an http-in route: each with a type, bounds and a default. A
 * request is checked before any run starts; a bad value answers 400 naming the parameter, and
 * the run sees typed values (`?pageSize=20` → 20). Undeclared parameters pass as text. Pure.
 */
import type { ValidationIssue } from '../../../core/node-spec.ts';
import { Enum, Type, type SchemaOptions } from '../../../core/params-schema.ts';

export const QUERY_TYPES = ['string', 'integer', 'number', 'boolean'] as const;

export function queryParamsSchema(options: SchemaOptions) {
  return Type.Record(
    Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$' }),
    Type.Object(
      {
        type: Enum(QUERY_TYPES),
        required: Type.Optional(Type.Boolean()),
        minimum: Type.Optional(Type.Number()),
        maximum: Type.Optional(Type.Number()),
        maxLength: Type.Optional(Type.Integer({ minimum: 0 })),
        default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
      },
      { additionalProperties: false },
    ),
    options,
  );
}

export interface QueryParamSpec {
  type: (typeof QUERY_TYPES)[number];
  required?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  default?: string | number | boolean;
}

export type QuerySpecs = Record<string, QueryParamSpec>;
export type Query = Record<string, unknown>;

export interface QueryIssue { path: string; message: string }

/** the value of `text` as `spec` says, or why it cannot be */
function convert(spec: QueryParamSpec, text: string): { value: string | number | boolean } | { problem: string } {
  switch (spec.type) {
    case 'integer': {
      if (!/^[+-]?\d{1,16}$/.test(text.trim())) return { problem: `must be an integer, got ${JSON.stringify(text)}` };
      const n = Number(text);
      return Number.isSafeInteger(n) ? { value: n } : { problem: `is too large` };
    }
    case 'number': {
      const n = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isFinite(n) ? { value: n } : { problem: `must be a number, got ${JSON.stringify(text)}` };
    }
    case 'boolean':
      if (text === 'true' || text === '1') return { value: true };
      if (text === 'false' || text === '0') return { value: false };
      return { problem: `must be true or false, got ${JSON.stringify(text)}` };
    default:
      return spec.maxLength !== undefined && text.length > spec.maxLength
        ? { problem: `must be at most ${spec.maxLength} characters` }
        : { value: text };
  }
}

function bounds(spec: QueryParamSpec, value: string | number | boolean): string | undefined {
  if (typeof value !== 'number') return undefined;
  if (spec.minimum !== undefined && value < spec.minimum) return `must be at least ${spec.minimum}, got ${value}`;
  if (spec.maximum !== undefined && value > spec.maximum) return `must be at most ${spec.maximum}, got ${value}`;
  return undefined;
}

/** the query with declared parameters typed (defaults filled in), or every problem found */
export function checkQuery(specs: QuerySpecs, query: Query): { query: Query } | { issues: QueryIssue[] } {
  const out: Query = { ...query };
  const issues: QueryIssue[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const given = query[name];
    const path = `query.${name}`;
    if (Array.isArray(given)) {
      issues.push({ path, message: 'must be given once' });
      continue;
    }
    if (given === undefined || given === '') {
      if (spec.default !== undefined) out[name] = spec.default;
      else if (spec.required) issues.push({ path, message: 'is required' });
      else delete out[name];
      continue;
    }
    const converted = convert(spec, String(given));
    if ('problem' in converted) {
      issues.push({ path, message: converted.problem });
      continue;
    }
    const outside = bounds(spec, converted.value);
    if (outside) issues.push({ path, message: outside });
    else out[name] = converted.value;
  }
  return issues.length > 0 ? { issues } : { query: out };
}

/** save-time problems: bounds that contradict, a default that its own checks refuse */
export function querySpecIssues(specs: unknown): ValidationIssue[] {
  if (specs === null || typeof specs !== 'object' || Array.isArray(specs)) return [];
  const issues: ValidationIssue[] = [];
  for (const [name, spec] of Object.entries(specs as QuerySpecs)) {
    if (spec === null || typeof spec !== 'object') continue;
    if (spec.minimum !== undefined && spec.maximum !== undefined && spec.minimum > spec.maximum)
      issues.push({ path: `query.${name}.maximum`, message: `is below the minimum ${spec.minimum}` });
    if (spec.default !== undefined) {
      const checked = checkQuery({ [name]: { ...spec, required: false } }, { [name]: String(spec.default) });
      if ('issues' in checked) issues.push({ path: `query.${name}.default`, message: checked.issues[0]!.message });
    }
  }
  return issues;
}
