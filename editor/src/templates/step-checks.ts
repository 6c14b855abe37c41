/** What the wizard checks itself before moving on: required fields of the step that are shown and empty. */
import type { TemplateForm } from '../../../templates/types.ts';
import { isShown, requiredOf, withDefaults } from '../lib/schema.ts';

function empty(v: unknown): boolean {
  return v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

export function missingInStep(form: TemplateForm, step: number, params: Record<string, unknown>): Record<string, string[]> {
  const fields = form.steps[step]?.fields ?? [];
  const values = withDefaults(form.schema, params);
  const required = new Set(requiredOf(form.schema));
  // keys are required when upserting (the schema's if/then)
  if (values['writeMode'] === 'upsert' && fields.includes('keys')) required.add('keys');
  const out: Record<string, string[]> = {};
  for (const f of fields) if (required.has(f) && isShown(form.showIf?.[f], values) && empty(params[f])) out[f] = ['is required'];
  return out;
}

/** the first step holding one of these fields */
export function stepOf(form: TemplateForm, field: string): number {
  const i = form.steps.findIndex((s) => s.fields.includes(field));
  return i < 0 ? 0 : i;
}
