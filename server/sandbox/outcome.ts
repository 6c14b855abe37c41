/**
 * What a runner reports for one run (a line of the bootstrap's protocol) → the run's value or
 * its ScriptError. Lines come from another process and, before that, from code that shares a
 * context with the user's: each is checked here, and one that does not check out fails its
 * run only.
 */
import { SCRIPT_ERROR_CODES, ScriptError, userError, type ScriptErrorCode } from './errors.ts';
import type { ScriptSource } from './source.ts';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: ScriptError };

const malformed = (what: string): Outcome => ({
  ok: false,
  error: new ScriptError(`the script runner sent a malformed ${what}`, 'SCRIPT_DATA'),
});

export function decodeLine(line: string, source: Pick<ScriptSource, 'filename' | 'lineCount'>): Outcome {
  const head = line.charCodeAt(0);
  if (line === 'u') return { ok: true, value: undefined };
  if (head === 101 /* e */ || head === 120 /* x */) {
    let parts: unknown;
    try {
      parts = JSON.parse(line.slice(1));
    } catch {
      return malformed('error');
    }
    if (!Array.isArray(parts) || !parts.every((p) => typeof p === 'string')) return malformed('error');
    const [first = '', message = '', stack = ''] = parts as string[];
    if (head === 101) return { ok: false, error: userError({ name: first, message, stack }, source.filename, source.lineCount) };
    const code = (SCRIPT_ERROR_CODES as readonly string[]).includes(first) ? (first as ScriptErrorCode) : 'SCRIPT_ERROR';
    return { ok: false, error: new ScriptError(message, code) };
  }
  if (head === 112 /* p */) return malformed('result');
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch {
    return malformed('result (not JSON)');
  }
}

/**
 * A batch's lines as they travel to the server: one character per run (v value, u undefined,
 * p pending, e thrown, x refused) and one JSON array of their values (0 for u and p), so the
 * server parses a whole batch with one JSON.parse.
 */
export function packLines(lines: readonly string[]): { kinds: string; values: string } {
  let kinds = '';
  let values = '[';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const head = line.charCodeAt(0);
    let kind: string;
    let value: string;
    if (line === 'u' || line === 'p') {
      kind = line;
      value = '0';
    } else if (head === 101 /* e */ || head === 120 /* x */) {
      kind = line[0]!;
      value = line.slice(1);
    } else if (head === 117 /* u */ || head === 112 /* p */ || line.length === 0) {
      kind = 'x';
      value = JSON.stringify(['SCRIPT_DATA', 'the script runner got a malformed result']);
    } else {
      kind = 'v';
      value = line;
    }
    kinds += kind;
    values += (i === 0 ? '' : ',') + value;
  }
  return { kinds, values: `${values}]` };
}

/** One run's outcome from its kind and parsed value; `pending` for p. */
export function unpackOutcome(kind: string, value: unknown, source: Pick<ScriptSource, 'filename' | 'lineCount'>): Outcome | 'pending' {
  switch (kind) {
    case 'v':
      return { ok: true, value };
    case 'u':
      return { ok: true, value: undefined };
    case 'p':
      return 'pending';
    case 'e':
    case 'x': {
      if (!Array.isArray(value) || !value.every((p) => typeof p === 'string')) return malformed('error');
      const [first = '', message = '', stack = ''] = value as string[];
      if (kind === 'e') return { ok: false, error: userError({ name: first, message, stack }, source.filename, source.lineCount) };
      const code = (SCRIPT_ERROR_CODES as readonly string[]).includes(first) ? (first as ScriptErrorCode) : 'SCRIPT_ERROR';
      return { ok: false, error: new ScriptError(message, code) };
    }
    default:
      return malformed('result');
  }
}

export function failureLine(code: ScriptErrorCode, message: string): string {
  return `x${JSON.stringify([code, message])}`;
}

/**
 * 1 MB, 1.2 MB, 512 KB: sizes in messages the user reads. A size that is not a whole number of
 * units is rounded up, so a total above a limit never reads the same as the limit.
 */
export function formatSize(chars: number): string {
  const MB = 1024 * 1024;
  if (chars >= MB) return `${roundUp(chars / MB)} MB`;
  return `${roundUp(Math.max(chars, 1) / 1024)} KB`;
}

function roundUp(units: number): number {
  return Math.ceil(units * 10) / 10;
}
