/**
 * Reading and writing values along a path. Reads see only own properties and never step on
 * `__proto__`, `constructor` or `prototype` (treated as missing), so no expression reaches
 * Object.prototype or a constructor. Writes copy along the path and never mutate their input.
 */
import type { PathSegment } from './types.ts';

type Container = Record<PropertyKey, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;
const FORBIDDEN: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenSegment(segment: PathSegment): boolean {
  return typeof segment === 'string' && FORBIDDEN.has(segment);
}

/** One step: the own property `segment` of `value`, or undefined. */
function step(value: unknown, segment: PathSegment): unknown {
  return typeof value === 'object' && value !== null && hasOwn.call(value, segment)
    ? (value as Container)[segment]
    : undefined;
}

/** The value at `path` in `value`, undefined when any step is missing. */
export function getPath(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (isForbiddenSegment(segment)) return undefined;
    current = step(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

/**
 * A reader specialised for one path, for the compiled hot path: the forbidden-key check is
 * done once here, and the common short paths avoid the loop.
 */
export function makeGetter(path: readonly PathSegment[]): (root: unknown) => unknown {
  if (path.some(isForbiddenSegment)) return () => undefined;
  const segments = path.slice();
  const [a, b, c] = segments;
  switch (segments.length) {
    case 0:
      return (root) => root;
    case 1:
      return (root) => step(root, a as PathSegment);
    case 2:
      return (root) => step(step(root, a as PathSegment), b as PathSegment);
    case 3:
      return (root) => step(step(step(root, a as PathSegment), b as PathSegment), c as PathSegment);
    default:
      return (root) => {
        let current = root;
        for (const segment of segments) {
          current = step(current, segment);
          if (current === undefined) return undefined;
        }
        return current;
      };
  }
}

/**
 * Why `path` cannot be written, or undefined: the one rule for set paths, applied at save
 * (set node validation) and when a writer is made (flow start).
 */
export function setPathProblem(path: readonly PathSegment[]): string | undefined {
  if (path.length === 0) return 'the path is empty';
  const bad = path.find(isForbiddenSegment);
  if (bad !== undefined) return `the key '${String(bad)}' is not allowed in a path (it names an object's prototype or constructor, not a field)`;
  return undefined;
}

function assertSettable(path: readonly PathSegment[]): void {
  const problem = setPathProblem(path);
  if (problem) throw new TypeError(`cannot set this path: ${problem}`);
}

const CANONICAL_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * Returns a new object equal to `target` with `value` at `path`. Every container along the path
 * is copied (arrays with slice, objects with spread); everything else is shared. Missing or
 * non-object steps are replaced by a new array (next segment is a number) or object.
 */
export function setPath(
  target: Record<string, unknown>, path: readonly PathSegment[], value: unknown,
): Record<string, unknown> {
  assertSettable(path);
  return setIn(target, path, 0, value) as Record<string, unknown>;
}

/**
 * A writer specialised for one path (the set node's hot path): the path is checked once here,
 * not on every message. Same result as `setPath(target, path, value)`.
 */
export function makeSetter(path: readonly PathSegment[]): (target: Record<string, unknown>, value: unknown) => Record<string, unknown> {
  assertSettable(path);
  const segments = path.slice();
  return (target, value) => setIn(target, segments, 0, value) as Record<string, unknown>;
}

function setIn(current: unknown, path: readonly PathSegment[], index: number, value: unknown): Container {
  const raw = path[index] as PathSegment;
  const copy = copyContainer(current, raw);
  let key: PathSegment = raw;
  if (Array.isArray(copy) && typeof raw === 'string') {
    // `items.0` parses to the string "0"; on an array it means index 0. Other keys on arrays
    // (`length`, names) would corrupt the array, so they are refused.
    if (!CANONICAL_INDEX.test(raw)) throw new TypeError(`setPath cannot set key '${raw}' on an array`);
    key = Number(raw);
  }
  copy[key] = index + 1 < path.length ? setIn(step(current, raw), path, index + 1, value) : value;
  return copy;
}

function copyContainer(current: unknown, segment: PathSegment): Container {
  if (Array.isArray(current)) return current.slice() as unknown as Container;
  if (typeof current === 'object' && current !== null) return { ...current } as Container;
  return (typeof segment === 'number' ? [] : {}) as Container;
}
