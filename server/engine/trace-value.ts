/**
 * Values as they go into a trace: serialised once, bounded in size, secrets masked, binary data
 * summarised. Small plain values take the fast path — one native JSON.stringify plus a scan of
 * its text for anything to mask; the rest (large, binary, cyclic, masked) is written by a
 * walker that stops at the limit, so no value costs much more than the limit to trace.
 */
import type { StepRecord } from '../../core/flow-types.ts';
import { boundedJson, forgetKeys, maskedPrefix, rememberKeys, type TextMasker } from './bounded-json.ts';
import { isBinary } from './binary.ts';

export const TRACE_VALUE_LIMIT = 32 * 1024;
/** longer lists (a page of 5,000 rows) are cut before serialising, not after */
export const TRACE_LIST_LIMIT = 100;
/** deeper objects are written as a marker */
export const TRACE_MAX_DEPTH = 64;
/** how deep the fast path looks before leaving a value to the walker */
const FAST_DEPTH = 24;

/** what the secrets module's masker offers (the engine does not import it) */
export type Masker = ((value: unknown) => unknown) & {
  mayNeedMasking?: (json: string) => boolean;
  maskText?: (text: string) => string;
  isSensitiveKey?: (key: string) => boolean;
  longestSecret?: number;
};

/** JSON text of `value` for a trace, or undefined when there is no value. */
export function traceJson(value: unknown, mask: Masker | undefined, limit = TRACE_VALUE_LIMIT): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (plainWithin(value, limit, 0) >= 0) {
      const json = JSON.stringify(value) ?? 'null';
      if (json.length <= limit && !(mask && (mask.mayNeedMasking?.(json) ?? true))) return json;
    }
    return walked(value, mask, limit);
  } catch (err) {
    forgetKeys();
    return JSON.stringify({ __unserializable: String(err) });
  }
}

/** the walker's text; masked as it is written when the masker can, else afterwards */
function walked(value: unknown, mask: Masker | undefined, limit: number): string {
  const inline = textMasker(mask);
  const r = boundedJson(value, { limit, listLimit: TRACE_LIST_LIMIT, maxDepth: TRACE_MAX_DEPTH, mask: inline });
  // `bytes` is a lower bound when the walk stopped early
  const json = r.cut ? JSON.stringify({ __truncated: true, bytes: r.bytes, preview: r.text.slice(0, limit) }) : r.text;
  if (!mask || inline) return json;
  return JSON.stringify(mask(JSON.parse(json)));
}

function textMasker(mask: Masker | undefined): TextMasker | undefined {
  if (!mask?.maskText || !mask.isSensitiveKey) return undefined;
  return { maskText: mask.maskText, isSensitiveKey: mask.isSensitiveKey, longestSecret: mask.longestSecret ?? 0 };
}

/** `text` (an error message) masked and cut to `limit` characters */
export function traceText(text: string, mask: Masker | undefined, limit = TRACE_VALUE_LIMIT): string {
  const inline = textMasker(mask);
  if (text.length <= limit) return inline ? inline.maskText(text) : mask ? String(mask(text)) : text;
  const head = inline ? maskedPrefix(text, limit, inline) : mask ? String(mask(text.slice(0, limit))) : text.slice(0, limit);
  return `${head}… (cut: ${text.length} characters)`;
}

/**
 * What is left of `budget` (≈ characters of JSON) once `v` is counted, or -1 when `v` is not
 * small plain JSON data: too big, a long list, binary, a bigint, a class instance, too deep.
 * Cheap, and it stops at the first reason to leave the value to the walker.
 */
function plainWithin(v: unknown, budget: number, depth: number): number {
  switch (typeof v) {
    case 'string':
      return budget - v.length - 2;
    case 'number':
    case 'boolean':
      return budget - 8;
    case 'undefined':
      return budget;
    case 'object':
      break;
    default:
      return -1;
  }
  if (v === null) return budget - 4;
  if (depth > FAST_DEPTH) return -1;
  if (Array.isArray(v)) {
    if (v.length > TRACE_LIST_LIMIT) return -1;
    for (let i = 0; i < v.length && budget >= 0; i++) budget = plainWithin(v[i], budget - 1, depth + 1);
    return budget;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v instanceof Date ? budget - 26 : -1;
  const keys = Object.keys(v);
  for (const key of keys) {
    budget = plainWithin((v as Record<string, unknown>)[key], budget - key.length - 4, depth + 1);
    if (budget < 0) {
      // listing a million keys costs ~0.5 s: the walker that takes over reuses this list
      if (keys.length > TRACE_LIST_LIMIT) rememberKeys(v, keys);
      return -1;
    }
  }
  return budget;
}

/** The same as a value (for live events). */
export function traceValue(value: unknown, mask: Masker | undefined, limit = TRACE_VALUE_LIMIT): unknown {
  const json = traceJson(value, mask, limit);
  return json === undefined ? undefined : JSON.parse(json);
}

/** The trace fields of a step as one JSON object text: what the store keeps in `steps.data`. */
export function stepDataJson(step: StepRecord, mask: Masker | undefined, sensitive: readonly string[] | undefined): string {
  const parts: string[] = [];
  const add = (key: string, json: string | undefined): void => {
    if (json !== undefined) parts.push(`"${key}":${json}`);
  };
  add('input', traceJson(step.input, mask));
  add('output', traceJson(step.output, mask));
  if (step.error !== undefined) add('error', JSON.stringify(traceText(String(step.error), mask)));
  if (step.params !== undefined) add('params', traceJson(maskParams(step.params, sensitive), mask));
  if (step.iterationPath !== undefined) add('iterationPath', JSON.stringify(step.iterationPath));
  if (step.attempts !== undefined) add('attempts', String(step.attempts));
  if (step.logs !== undefined) add('logs', traceJson(step.logs, mask));
  return `{${parts.join(',')}}`;
}

/** A step with its trace fields made safe (live events). */
export function traceStep(step: StepRecord, mask: Masker | undefined, sensitive: readonly string[] | undefined): StepRecord {
  const out: StepRecord = { ...step };
  if ('input' in step) out.input = traceValue(step.input, mask);
  if ('output' in step) out.output = traceValue(step.output, mask);
  if (step.params !== undefined) out.params = traceValue(maskParams(step.params, sensitive), mask);
  if (step.error !== undefined) out.error = traceText(String(step.error), mask);
  if (step.logs !== undefined) out.logs = traceValue(step.logs, mask) as string[];
  return out;
}

/** `value` with lists over TRACE_LIST_LIMIT items cut, looking `depth` levels down; shares what it does not cut. */
export function shrinkLists(value: unknown, depth = 2): unknown {
  if (Array.isArray(value)) {
    if (value.length > TRACE_LIST_LIMIT) return [...value.slice(0, TRACE_LIST_LIMIT), { __truncated: true, items: value.length }];
    return value;
  }
  if (depth === 0 || value === null || typeof value !== 'object' || isBinary(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const shrunk = shrinkLists(item, depth - 1);
    if (shrunk !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = shrunk;
  }
  return copy ?? value;
}

function maskParams(params: unknown, sensitive: readonly string[] | undefined): unknown {
  if (!sensitive || sensitive.length === 0 || !params || typeof params !== 'object') return params;
  const copy = { ...(params as Record<string, unknown>) };
  for (const key of sensitive) if (key in copy && copy[key] !== undefined && copy[key] !== '') copy[key] = '***';
  return copy;
}
