/** Save-time check of a script node (server only): its code compiles. */
import type { ValidationIssue } from '../../core/node-spec.ts';
import { validateScriptCode } from './validate-code.ts';

export default function scriptCompiles(params: Record<string, unknown>): ValidationIssue[] {
  return typeof params['code'] === 'string' ? validateScriptCode(params['code']) : [];
}
