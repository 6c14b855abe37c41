import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../core/node-spec.ts';
import { parsePath, setPathProblem } from '../../core/expressions/index.ts';
import { Enum, FreeObject, Type, jsonSchema, withDefault, type ParamsOf } from '../../core/params-schema.ts';

/** `fields.total` or `fields["payload.total"]`: the issue path of one key of `fields` */
export function fieldIssuePath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `fields.${key}` : `fields[${JSON.stringify(key)}]`;
}

const params = Type.Object(
  {
    fields: FreeObject({ title: 'Fields', description: 'message path → value or expression', maxProperties: 500 }),
    mode: withDefault(Enum(['merge', 'replace'], { title: 'Mode' }), 'merge'),
  },
  { additionalProperties: false },
);
export type SetParams = ParamsOf<typeof params>;

export const setSpec: NodeSpec = {
  type: 'set',
  category: 'function',
  label: 'Set fields',
  description: 'Sets message fields from expressions: {"payload.total": "${payload.a}"}.',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: jsonSchema(params),
  ui: { icon: 'edit', widgets: { fields: 'keyvalue' } },
};

function validateSet(params: Record<string, unknown>): ValidationIssue[] {
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
}

export const setNode: NodeDefinition = { spec: setSpec, logic: { validate: validateSet } };
