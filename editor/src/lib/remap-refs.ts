/**
 * Rewrites `${nodeId|…}` references in node params when nodes get new ids (paste, duplicate).
 * The references are found by core's expression parser, so escapes (`$${`), quoted paths and
 * white space are read exactly as the engine reads them; only the id is replaced.
 */
import { ExpressionError, parseTemplate } from '../../../core/expressions/index.ts';

/** `text` with every reference to a key of `ids` pointing at its value; text that does not parse is left as it is */
export function remapTemplate(text: string, ids: ReadonlyMap<string, string>): string {
  if (!text.includes('${')) return text;
  let parts;
  try {
    parts = parseTemplate(text).parts;
  } catch (err) {
    if (err instanceof ExpressionError) return text;
    throw err;
  }
  let out = text;
  // from the end, so the earlier offsets stay valid
  for (const part of [...parts].reverse()) {
    if (part.kind !== 'expr' || part.ref.nodeId === undefined) continue;
    const to = ids.get(part.ref.nodeId);
    if (to === undefined) continue;
    const { source, start, end } = part.ref;
    // the id comes before the first `|`: nothing before it can be quoted (ids are [A-Za-z0-9_-])
    const bar = source.indexOf('|');
    const head = source.slice(0, bar).replace(part.ref.nodeId, to);
    out = `${out.slice(0, start)}\${${head}${source.slice(bar)}}${out.slice(end)}`;
  }
  return out;
}

/** a copy of `value` (params: strings, arrays, plain objects) with its references remapped */
export function remapRefs<T>(value: T, ids: ReadonlyMap<string, string>): T {
  if (typeof value === 'string') return remapTemplate(value, ids) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => remapRefs(v, ids)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remapRefs(v, ids)])) as T;
  }
  return value;
}
