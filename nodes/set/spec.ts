import type { NodeSpec } from '../../core/node-spec.ts';
import { parsePath } from '../../core/expressions/index.ts';

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
    const issues = [];
    for (const key of Object.keys(fields)) {
      try {
        if (parsePath(key).length === 0) issues.push({ path: `fields.${key}`, message: 'the path is empty' });
      } catch (err) {
        issues.push({ path: `fields.${key}`, message: `not a valid path: ${(err as Error).message}` });
      }
    }
    return issues;
  },
};
