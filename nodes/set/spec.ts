import type { NodeSpec, ValidationIssue } from '../../core/node-spec.ts';
import { parsePath, setPathProblem } from '../../core/expressions/index.ts';

/** `fields.total` or `fields["payload.total"]`: the issue path of one key of `fields` */
export function fieldIssuePath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `fields.${key}` : `fields[${JSON.stringify(key)}]`;
}

export const setSpec: NodeSpec = {
  type: 'set',
  category: 'function',
  label: 'Set fields',
  description: 'Sets message fields from expressions: {"payload.total": "${payload.a}"}.',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: {
    type: 'object',
    required: ['fields'],
    properties: {
      fields: { type: 'object', title: 'Fields', description: 'message path → value or expression', maxProperties: 500 },
      mode: { enum: ['merge', 'replace'], default: 'merge', title: 'Mode' },
    },
    additionalProperties: false,
  },
  ui: { icon: 'edit', widgets: { fields: 'keyvalue' } },
  validate(params) {
    const fields = params['fields'];
    if (!fields || typeof fields !== 'object') return [];
    const issues: ValidationIssue[] = [];
    for (const key of Object.keys(fields)) {
      let problem: string | undefined;
      try {
        // the same rule the set node applies when its flow starts (makeSetter)
        problem = setPathProblem(parsePath(key));
      } catch (err) {
        problem = `not a valid path: ${(err as Error).message}`;
      }
      if (problem) issues.push({ path: fieldIssuePath(key), message: problem });
    }
    return issues;
  },
};
