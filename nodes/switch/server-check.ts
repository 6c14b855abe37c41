/** Save-time check of switch rules: every constant regex pattern compiles under RE2. */
import type { ValidationIssue } from '../../core/node-spec.ts';
import { hasExpression } from '../../core/expressions/index.ts';
import { regexProblem } from '../../core/linear-regex.ts';

export function switchRuleIssues(params: Record<string, unknown>): ValidationIssue[] {
  const rules: unknown[] = Array.isArray(params['rules']) ? params['rules'] : [];
  const issues: ValidationIssue[] = [];
  rules.forEach((rule, i) => {
    if (rule === null || typeof rule !== 'object') return;
    const { op, arg } = rule as Record<string, unknown>;
    // a pattern made by an expression is compiled per message, with the same engine and limits
    if (op !== 'regex' || hasExpression(arg)) return;
    const problem = regexProblem(String(arg ?? ''));
    if (problem) issues.push({ path: `rules[${i}].arg`, message: problem });
  });
  return issues;
}

export default switchRuleIssues;
