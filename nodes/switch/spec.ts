import type { NodeDefinition, NodeSpec } from '../../core/node-spec.ts';
import { Enum, Type, jsonSchema, withDefault, type ParamsOf } from '../../core/params-schema.ts';

export const SWITCH_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'prefix', 'suffix', 'regex', 'exists', 'empty'] as const;

/** Rule i sends on port `rule<i+1>`; no rule matching sends on `else`. */
export function switchPorts(params: Record<string, unknown>): string[] {
  const rules = Array.isArray(params['rules']) ? params['rules'] : [];
  return [...rules.map((_, i) => `rule${i + 1}`), 'else'];
}

const rule = Type.Object(
  {
    value: Type.Unknown({ title: 'Value', description: 'expression, e.g. ${payload.t}' }),
    op: Enum(SWITCH_OPS),
    arg: Type.Optional(Type.Unknown({ description: 'regex: RE2 syntax, linear time (no backreferences or lookaround; (?i) ignores case)' })),
  },
  { additionalProperties: false },
);
export type SwitchRule = ParamsOf<typeof rule>;

const params = Type.Object(
  {
    rules: Type.Array(rule, { maxItems: 64 }),
    stopAtFirst: withDefault(Type.Boolean({ title: 'Stop at first match' }), true),
  },
  { additionalProperties: false },
);
export type SwitchParams = ParamsOf<typeof params>;

export const switchSpec: NodeSpec = {
  type: 'switch',
  category: 'flow',
  label: 'Switch',
  description: 'Routes the message by rules: one port per rule (rule1, rule2, …) and "else".',
  inputs: ['in'],
  outputs: ['else'],
  paramsSchema: jsonSchema(params),
  ui: { icon: 'split', widgets: { rules: 'rules' } },
};

// regex rules are compiled at save by ./server-check.ts (RE2 stays out of the editor's bundle)
export const switchNode: NodeDefinition = { spec: switchSpec, logic: { outputs: switchPorts } };
