/**
 * Values as they go into a trace: serialised once, bounded in size, secrets masked.
 * The fast path is one native JSON.stringify plus a scan of its text; only values that may
 * hold a secret or a sensitive key take the slower masking walk.
 */
import type { StepRecord } from '../../core/flow-types.ts';

export const TRACE_VALUE_LIMIT = 32 * 1024;
/** longer lists (a page of 5,000 rows) are cut before serialising, not after */
export const TRACE_LIST_LIMIT = 100;

export type Masker = ((value: unknown) => unknown) & { mayNeedMasking?: (json: string) => boolean };

/** JSON text of `value` for a trace, or undefined when there is no value. */
export function traceJson(value: unknown, mask: Masker | undefined, limit = TRACE_VALUE_LIMIT): string | undefined {
  if (value === undefined) return undefined;
  value = shrinkLists(value, 2);
  let json: string;
  try {
    json = JSON.stringify(value) ?? 'null';
    if (json.includes('"type":"Buffer"')) json = JSON.stringify(value, jsonReplacer);
  } catch {
    try {
      json = JSON.stringify(value, jsonReplacer) ?? 'null';
    } catch (err) {
      return JSON.stringify({ __unserializable: String(err) });
    }
  }
  if (mask && (mask.mayNeedMasking?.(json) ?? true)) json = JSON.stringify(mask(JSON.parse(json)));
  if (json.length <= limit) return json;
  return JSON.stringify({ __truncated: true, bytes: json.length, preview: json.slice(0, limit) });
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
  if (step.error !== undefined) add('error', JSON.stringify(mask ? mask(step.error) : step.error));
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
  if (step.error !== undefined && mask) out.error = mask(step.error) as string;
  if (step.logs !== undefined) out.logs = traceValue(step.logs, mask) as string[];
  return out;
}

/** `value` with lists over TRACE_LIST_LIMIT items cut, looking `depth` levels down; shares what it does not cut. */
export function shrinkLists(value: unknown, depth = 2): unknown {
  if (Array.isArray(value)) {
    if (value.length > TRACE_LIST_LIMIT) return [...value.slice(0, TRACE_LIST_LIMIT), { __truncated: true, items: value.length }];
    return value;
  }
  if (depth === 0 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
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

function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return { $binary: Buffer.from((v as { data: number[] }).data).toString('base64') };
  }
  return v;
}
