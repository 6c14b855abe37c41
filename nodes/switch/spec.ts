import type { NodeSpec } from '../../core/node-spec.ts';

export const SWITCH_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'prefix', 'suffix', 'regex', 'exists', 'empty'] as const;

/** Rule i sends on port `rule<i+1>`; no rule matching sends on `else`. */
export function switchPorts(params: Record<string, unknown>): string[] {
  const rules = Array.isArray(params['rules']) ? params['rules'] : [];
  return [...rules.map((_, i) => `rule${i + 1}`), 'else'];
}

export const switchSpec: NodeSpec = {
  type: 'switch',
  category: 'flow',
  label: 'Switch',
  description: 'Routes the message by rules: one port per rule (rule1, rule2, …) and "else".',
  inputs: ['in'],
  outputs: ['else'],
  dynamicOutputs: switchPorts,
  paramsSchema: {
    type: 'object',
    required: ['rules'],
    properties: {
      rules: {
        type: 'array',
        maxItems: 64,
        items: {
          type: 'object',
          required: ['value', 'op'],
          properties: {
            value: { title: 'Value', description: 'expression, e.g. ${payload.t}' },
            op: { enum: [...SWITCH_OPS] },
            arg: { description: 'regex: RE2 syntax, linear time (no backreferences or lookaround; (?i) ignores case)' },
          },
          additionalProperties: false,
        },
      },
      stopAtFirst: { type: 'boolean', default: true, title: 'Stop at first match' },
    },
    additionalProperties: false,
  },
  ui: { icon: 'split', widgets: { rules: 'rules' } },
  // regex rules are compiled at save by nodes/server-checks.ts (RE2 stays out of the editor's bundle)
};
