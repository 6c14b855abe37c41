/** JSON Schema checks with errors as `{path, message}` whose path names the field (`params.interval`). */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema, ValidationIssue } from './node-spec.ts';

export class SchemaChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: false });
  private readonly defaultsAjv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
  private readonly cache = new WeakMap<JsonSchema, ValidateFunction>();
  private readonly defaultsCache = new WeakMap<JsonSchema, ValidateFunction>();

  /** Issues of `value` against `schema`, each path prefixed with `prefix` (e.g. "nodes[2].params"). */
  check(schema: JsonSchema, value: unknown, prefix: string): ValidationIssue[] {
    let validate = this.cache.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.cache.set(schema, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => toIssue(e, prefix));
  }

  /** A deep copy of `value` with the schema's defaults filled in. */
  withDefaults<T>(schema: JsonSchema, value: T): T {
    let validate = this.defaultsCache.get(schema);
    if (!validate) {
      validate = this.defaultsAjv.compile(schema);
      this.defaultsCache.set(schema, validate);
    }
    const copy = structuredClone(value);
    validate(copy);
    return copy;
  }
}

function toIssue(e: ErrorObject, prefix: string): ValidationIssue {
  let path = prefix + pointerToPath(e.instancePath);
  let message = e.message ?? 'is invalid';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    path += `.${params['missingProperty']}`;
    message = 'is required';
  } else if (e.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    path += `.${params['additionalProperty']}`;
    message = 'is not a known field';
  } else if (e.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    message = `must be one of ${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { path, message };
}

function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
    .join('');
}
