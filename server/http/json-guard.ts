/**
 * Limits on a parsed JSON request body, checked before any route sees it: nesting depth
 * (validation, cloning and the expression scanner recurse, so a 10,000-deep body would blow the
 * stack) and numbers too large for a double (`1e400` parses to Infinity, which JSON cannot
 * write back: it would be stored as null). The walk is iterative, so the check itself cannot
 * overflow.
 */
import type { ValidationIssue } from '../../core/node-spec.ts';

export const MAX_JSON_DEPTH = 64;

interface Visit { value: unknown; depth: number; parent: Visit | undefined; key: string | number }

/** The first problem of `body` (with the path of the value at fault), or undefined. */
export function jsonBodyIssue(body: unknown, maxDepth = MAX_JSON_DEPTH): ValidationIssue | undefined {
  const stack: Visit[] = [{ value: body, depth: 0, parent: undefined, key: '' }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const { value, depth } = visit;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path: pathOf(visit), message: 'the number is too large (beyond ±1.8e308, it would be stored as null)' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { path: pathOf(visit), message: `objects and arrays nest deeper than ${maxDepth} levels` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, parent: visit, key: i });
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]!], depth: depth + 1, parent: visit, key: keys[i]! });
    }
  }
  return undefined;
}

/** `nodes[0].params["a b"]`; "(body)" for the body itself */
function pathOf(visit: Visit): string {
  const parts: string[] = [];
  for (let v: Visit | undefined = visit; v?.parent; v = v.parent) {
    const k = v.key;
    parts.push(typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
  }
  const path = parts.reverse().join('').replace(/^\./, '');
  return path || '(body)';
}
