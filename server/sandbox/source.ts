/**
 * Turns the body the user wrote into a compiled function `(msg, ctx) => …` inside an isolate.
 * The body is wrapped on lines of its own so the user's line numbers stay as they wrote them.
 */
import type ivm from 'isolated-vm';
import { ScriptError, splitCompileMessage, withLocation, type SourceLocation } from './errors.ts';
import { errorMessage } from '../../core/guards.ts';

export interface ScriptSource {
  /** the body as written */
  code: string;
  /** the body uses `await`, so it is wrapped in an async function */
  async: boolean;
  wrapped: string;
  /** shown in stack frames; also how error locations are found */
  filename: string;
  lineCount: number;
}

/** Compiling and the breakout check are parse-only, but get a time limit anyway. */
export const COMPILE_TIMEOUT_MS = 2000;

export function prepareSource(code: string, name: string): ScriptSource {
  // A body without `await` runs as a plain function: the fast, fully synchronous path.
  // A false positive (the word in a string) only costs speed, never correctness.
  const isAsync = /\bawait\b/.test(code);
  return {
    code,
    async: isAsync,
    wrapped: `(${isAsync ? 'async ' : ''}function (msg, ctx) {\n${code}\n})`,
    filename: `script:${name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'anonymous'}`,
    lineCount: code.split('\n').length,
  };
}

/** Compiles the wrapped body; a syntax error becomes a ScriptError with the user's line/column. */
export function compileSource(isolate: ivm.Isolate, source: ScriptSource): ivm.Script {
  try {
    return isolate.compileScriptSync(source.wrapped, { filename: source.filename, lineOffset: -1 });
  } catch (err) {
    throw compileError(err, source);
  }
}

export async function compileSourceAsync(isolate: ivm.Isolate, source: ScriptSource): Promise<ivm.Script> {
  try {
    return await isolate.compileScript(source.wrapped, { filename: source.filename, lineOffset: -1 });
  } catch (err) {
    throw compileError(err, source);
  }
}

/**
 * A body such as `}); evil(); (function () {` compiles inside the wrapper but is not a function
 * body. The Function constructor parses the body on its own, so it refuses that; it only parses,
 * the body never runs here.
 */
export function checkBodyIsolated(context: ivm.Context, source: ScriptSource): void {
  breakoutProblem(context.evalClosureSync(BODY_CHECK, [source.code, source.async], { timeout: COMPILE_TIMEOUT_MS }));
}

/** the same check from a runner, which never waits on an isolate synchronously */
export async function checkBodyIsolatedAsync(context: ivm.Context, source: ScriptSource): Promise<void> {
  breakoutProblem(await context.evalClosure(BODY_CHECK, [source.code, source.async], { timeout: COMPILE_TIMEOUT_MS }));
}

const BODY_CHECK = `const F = $1 ? (async function () {}).constructor : Function;
  try { new F('msg', 'ctx', $0); return null; } catch (e) { return String(e && e.message); }`;

function breakoutProblem(problem: unknown): void {
  if (typeof problem === 'string') {
    const location: SourceLocation = { line: 1, column: 1 };
    const text = `SyntaxError: ${problem}; the code closes the function body early (check the braces)`;
    throw new ScriptError(withLocation(text, location), 'SCRIPT_COMPILE', location);
  }
}

function compileError(err: unknown, source: ScriptSource): ScriptError {
  const raw = errorMessage(err);
  const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  const { text, location } = splitCompileMessage(raw, source.lineCount);
  return new ScriptError(withLocation(name + text, location), 'SCRIPT_COMPILE', location);
}

