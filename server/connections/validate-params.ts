/** Validates connection params against the connection types' schemas (ajv), applying defaults. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ConnectionTypeDef } from '../../core/connection-types.ts';
import type { ValidationIssue } from '../../core/node-spec.ts';

export type ParamsCheck =
  | { ok: true; params: Record<string, unknown> }
  | { ok: false; issues: ValidationIssue[] };

export type ParamsValidator = (type: string, params: Record<string, unknown>) => ParamsCheck;

/** JSON pointer `/sasl/mechanism` → `params.sasl.mechanism`, `/brokers/0` → `params.brokers[0]` */
function toPath(prefix: string, pointer: string, extra?: string): string {
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) segments.push(extra);
  let path = prefix;
  for (const s of segments) path += /^\d+$/.test(s) ? `[${s}]` : `.${s}`;
  return path;
}

function toIssue(e: ErrorObject, prefix: string): ValidationIssue | undefined {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
      return undefined; // the failing branch's own errors say what is wrong
    case 'required':
      return { path: toPath(prefix, e.instancePath, String(p['missingProperty'])), message: 'is required' };
    case 'additionalProperties':
      return { path: toPath(prefix, e.instancePath, String(p['additionalProperty'])), message: 'is not a known parameter' };
    case 'enum':
      return {
        path: toPath(prefix, e.instancePath),
        message: `must be one of: ${(p['allowedValues'] as unknown[]).map(String).join(', ')}`,
      };
    default:
      return { path: toPath(prefix, e.instancePath), message: e.message ?? 'is invalid' };
  }
}

export function createParamsValidator(types: Readonly<Record<string, ConnectionTypeDef>>): ParamsValidator {
  // coerceTypes: form fields arrive as strings ("3306"); useDefaults: fill port, timeoutMs, …
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: true, strictRequired: false });
  const compiled = new Map<string, ValidateFunction>();
  for (const [type, def] of Object.entries(types)) compiled.set(type, ajv.compile(def.paramsSchema));
  return (type, params) => {
    const validate = compiled.get(type);
    if (!validate) return { ok: false, issues: [{ path: 'type', message: `unknown connection type "${type}"` }] };
    const copy = structuredClone(params); // ajv writes defaults and coerced values into its input
    if (validate(copy)) return { ok: true, params: copy };
    const seen = new Set<string>();
    const issues: ValidationIssue[] = [];
    for (const e of validate.errors ?? []) {
      const issue = toIssue(e, 'params');
      const key = issue && `${issue.path}\u0000${issue.message}`;
      if (issue && key && !seen.has(key)) {
        seen.add(key);
        issues.push(issue);
      }
    }
    return { ok: false, issues };
  };
}
