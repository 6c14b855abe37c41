/** Save-time helpers: walk a param value (recursively through arrays and plain objects) and look at its strings. */
import { isPlainObject } from '../guards.ts';
import { ExpressionError } from './errors.ts';
import { parseTemplate } from './template-parser.ts';
import type { ExprRef } from './types.ts';

/** Calls `visit` for every string in `value`, with its path: "[i]" for array items, ".key" for object keys. */
function eachString(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => eachString(item, `${path}[${i}]`, visit));
  else if (isPlainObject(value)) for (const key of Object.keys(value)) eachString(value[key], `${path}.${key}`, visit);
}

/**
 * True when some string in `value` is a template: it holds an expression, or an unescaped `${`
 * that does not parse (compiling it would fail, so it is not a constant either).
 */
export function hasExpression(value: unknown): boolean {
  let found = false;
  eachString(value, '', (text) => {
    if (found || !text.includes('${')) return;
    try {
      found = parseTemplate(text).parts.some((p) => p.kind === 'expr');
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      found = true;
    }
  });
  return found;
}

/**
 * Every reference in `value`, in document order. Strings that do not parse are skipped:
 * checkValue reports those.
 */
export function collectRefs(value: unknown): ExprRef[] {
  const refs: ExprRef[] = [];
  eachString(value, '', (text) => {
    if (!text.includes('${')) return;
    try {
      for (const part of parseTemplate(text).parts) if (part.kind === 'expr') refs.push(part.ref);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
    }
  });
  return refs;
}

/** One issue per malformed string, with its path relative to `value` (e.g. "[2].value", ".a.b"; "" for `value` itself). */
export function checkValue(value: unknown): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  eachString(value, '', (text, path) => {
    if (!text.includes('${')) return;
    try {
      parseTemplate(text);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      issues.push({ path, message: err.message });
    }
  });
  return issues;
}
