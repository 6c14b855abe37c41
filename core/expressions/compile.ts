/**
 * Compiles param values once into closures over pre-parsed parts, so evaluation does no parsing,
 * no regex and no allocation for constants. Values returned by an evaluator (constant objects,
 * values read from messages) are shared, not copied: callers must treat them as read-only and
 * copy before mutating.
 */
import { makeGetter } from './path.ts';
import { isPlainObject } from '../guards.ts';
import { parseTemplate } from './template-parser.ts';
import { toText } from './to-text.ts';
import type { CompiledValue, EvalScope, ExprRef } from './types.ts';

interface Compiled {
  fn: CompiledValue;
  /** true when the result never depends on the scope */
  constant: boolean;
}

/** A scope for evaluating constants once at compile time. */
const NO_SCOPE: EvalScope = { message: undefined, nodeOutput: () => undefined };

/**
 * Compiles a param value: strings are templates; arrays and plain objects are compiled
 * recursively (keys are not templated); other values are returned as they are.
 * Throws ExpressionError on a malformed template.
 */
export function compileValue(value: unknown): CompiledValue {
  return compile(value).fn;
}

function constant(value: unknown): Compiled {
  return { fn: () => value, constant: true };
}

function compile(value: unknown): Compiled {
  if (typeof value === 'string') return compileString(value);
  if (Array.isArray(value)) return compileArray(value);
  if (isPlainObject(value)) return compileObject(value);
  return constant(value);
}

function refGetter(ref: ExprRef): CompiledValue {
  const read = makeGetter(ref.path);
  const nodeId = ref.nodeId;
  if (nodeId === undefined) return (scope) => read(scope.message);
  return (scope) => read(scope.nodeOutput(nodeId));
}

function compileString(text: string): Compiled {
  if (!text.includes('${')) return constant(text);
  const { parts, single } = parseTemplate(text);
  const first = parts[0];
  if (single && first?.kind === 'expr') {
    const get = refGetter(first.ref);
    return {
      fn: (scope) => {
        const v = get(scope);
        return v === undefined ? null : v;
      },
      constant: false,
    };
  }

  // Normal form: lead + (value0 + after0) + (value1 + after1) + …
  let lead = '';
  const pieces: { get: CompiledValue; after: string }[] = [];
  for (const part of parts) {
    if (part.kind === 'text') {
      const last = pieces[pieces.length - 1];
      if (last) last.after += part.text;
      else lead += part.text;
    } else {
      pieces.push({ get: refGetter(part.ref), after: '' });
    }
  }
  const [p0, p1] = pieces;
  if (p0 === undefined) return constant(lead); // only escapes, e.g. "$${x}"
  if (p1 === undefined) {
    const { get, after } = p0;
    return { fn: (scope) => lead + toText(get(scope)) + after, constant: false };
  }
  return {
    fn: (scope) => {
      let out = lead;
      for (const piece of pieces) out += toText(piece.get(scope)) + piece.after;
      return out;
    },
    constant: false,
  };
}

function compileArray(items: readonly unknown[]): Compiled {
  const compiled = items.map(compile);
  const fns = compiled.map((c) => c.fn);
  if (compiled.every((c) => c.constant)) return constant(fns.map((fn) => fn(NO_SCOPE)));
  return { fn: (scope) => fns.map((fn) => fn(scope)), constant: false };
}

function compileObject(source: Record<string, unknown>): Compiled {
  const entries = Object.keys(source).map((key) => ({ key, ...compile(source[key]) }));
  const build = entries.some((e) => e.key === '__proto__')
    ? (scope: EvalScope): Record<string, unknown> => {
      // A plain assignment of "__proto__" would set the prototype instead of adding a key.
      const out: Record<string, unknown> = {};
      for (const { key, fn } of entries) {
        Object.defineProperty(out, key, { value: fn(scope), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    : (scope: EvalScope): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (const { key, fn } of entries) out[key] = fn(scope);
      return out;
    };
  if (entries.every((e) => e.constant)) return constant(build(NO_SCOPE));
  return { fn: build, constant: false };
}
