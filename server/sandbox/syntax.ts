/**
 * Checks that a script body compiles, on the server's own thread, in a throwaway isolate:
 * compiling and the Function-constructor breakout check only parse, so no user code runs here
 * (it runs only in a runner process), and the breakout check has a time limit.
 */
import ivm from 'isolated-vm';
import { ScriptError } from './errors.ts';
import { checkBodyIsolated, compileSource, prepareSource, type ScriptSource } from './source.ts';
import { errorMessage } from '../../core/guards.ts';

export interface SyntaxProblem { line: number; column: number; message: string }

/** the prepared source of a body that compiles; a ScriptError (SCRIPT_COMPILE) with its line otherwise */
export function checkCompiles(code: string, name: string): ScriptSource {
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  try {
    const source = prepareSource(code, name);
    compileSource(isolate, source).release();
    const context = isolate.createContextSync();
    checkBodyIsolated(context, source);
    context.release();
    return source;
  } catch (err) {
    if (err instanceof ScriptError) throw err;
    throw new ScriptError(`the script could not be checked: ${errorMessage(err)}`, 'SCRIPT_COMPILE');
  } finally {
    isolate.dispose();
  }
}

/** Save-time check: null when the body compiles, else where and why it does not. */
export function checkScriptSyntax(code: string): SyntaxProblem | null {
  try {
    checkCompiles(code, 'check');
    return null;
  } catch (err) {
    if (err instanceof ScriptError) {
      const message = err.message.replace(/ \(line \d+, column \d+\)$/, '');
      return { line: err.location?.line ?? 1, column: err.location?.column ?? 1, message };
    }
    return { line: 1, column: 1, message: errorMessage(err) };
  }
}
