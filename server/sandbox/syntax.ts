/** Save-time check that a script body compiles, in a throwaway isolate (nothing is run). */
import ivm from 'isolated-vm';
import { ScriptError } from './errors.ts';
import { checkBodyIsolated, compileSource, prepareSource } from './source.ts';

export interface SyntaxProblem { line: number; column: number; message: string }

export function checkScriptSyntax(code: string): SyntaxProblem | null {
  const isolate = new ivm.Isolate({ memoryLimit: 16 });
  try {
    const source = prepareSource(code, 'check');
    compileSource(isolate, source).release();
    const context = isolate.createContextSync();
    checkBodyIsolated(context, source);
    context.release();
    return null;
  } catch (err) {
    if (err instanceof ScriptError) {
      const message = err.message.replace(/ \(line \d+, column \d+\)$/, '');
      return { line: err.location?.line ?? 1, column: err.location?.column ?? 1, message };
    }
    return { line: 1, column: 1, message: err instanceof Error ? err.message : String(err) };
  } finally {
    isolate.dispose();
  }
}
