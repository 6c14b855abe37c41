/** Save-time check that a script's code compiles (server only: uses the sandbox's compiler). */
import type { ValidationIssue } from '../../core/node-spec.ts';
import { checkScriptSyntax } from '../../server/sandbox/index.ts';

/** Issues with path `code` (the caller prefixes the node's params path). */
export function validateScriptCode(code: string): ValidationIssue[] {
  const problem = checkScriptSyntax(code);
  if (problem === null) return [];
  return [{ path: 'code', message: `does not compile: ${problem.message} (line ${problem.line}, column ${problem.column})` }];
}
