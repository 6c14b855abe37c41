/** Node params compiled once at flow start and resolved per message. */
import { compileValue, hasExpression, type CompiledValue, type EvalScope } from '../../core/expressions/index.ts';
import type { NodeSpec } from '../../core/node-spec.ts';

export type ParamsResolver = ((scope: EvalScope) => Record<string, unknown>) & { dynamic: boolean };

export function compileParams(params: Record<string, unknown>, spec: NodeSpec): ParamsResolver {
  const untouched = new Set([...(spec.rawParams ?? []), ...(spec.lazyParams ?? [])]);
  const dynamic: [string, CompiledValue][] = [];
  const constant: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (!untouched.has(key) && hasExpression(value)) dynamic.push([key, compileValue(value)]);
    else constant[key] = value;
  }
  if (dynamic.length === 0) {
    Object.freeze(constant);
    return Object.assign(() => constant, { dynamic: false });
  }
  const constantEntries = Object.entries(constant);
  const keys = dynamic.map(([key]) => key);
  const fns = dynamic.map(([, fn]) => fn);
  const resolve = (scope: EvalScope): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < constantEntries.length; i++) out[constantEntries[i]![0]] = constantEntries[i]![1];
    for (let i = 0; i < fns.length; i++) out[keys[i]!] = fns[i]!(scope);
    return out;
  };
  return Object.assign(resolve, { dynamic: true });
}

/** Compiles template values on first use and keeps them (io.evaluate on per-row values). */
export class TemplateCache {
  private readonly strings = new Map<string, CompiledValue>();
  private readonly objects = new WeakMap<object, CompiledValue>();

  get(value: unknown): CompiledValue {
    if (typeof value === 'string') {
      let fn = this.strings.get(value);
      if (!fn) {
        fn = compileValue(value);
        if (this.strings.size < 10_000) this.strings.set(value, fn);
      }
      return fn;
    }
    if (value !== null && typeof value === 'object') {
      let fn = this.objects.get(value);
      if (!fn) {
        fn = compileValue(value);
        this.objects.set(value, fn);
      }
      return fn;
    }
    return () => value;
  }
}
