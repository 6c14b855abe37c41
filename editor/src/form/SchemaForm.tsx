import type { JsonSchema } from '../api/types.ts';
import { withKey } from '../lib/json.ts';
import { descriptionOf, isShown, kindOf, orderedFields, propertiesOf, requiredFor, titleOf, withDefaults } from '../lib/schema.ts';
import type { CustomRenderer, NestedForm } from './field-types.ts';
import { FieldRow } from './FieldRow.tsx';
import { SchemaField } from './SchemaField.tsx';

export interface SchemaFormProps {
  /** prefix of input names (`params`, `rules[0]`) */
  idPrefix: string;
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(next: Record<string, unknown>): void;
  /** field order (ui.order); by default as declared */
  order?: string[];
  /** show only these fields (a wizard step) */
  only?: string[];
  widgets?: Record<string, string>;
  showIf?: Record<string, Record<string, unknown[]>>;
  /** per field: messages to show next to it */
  errors?: Record<string, string[]>;
  sensitive?: string[];
  connectionTypes?: string[];
  custom?: CustomRenderer;
  /** nested forms: no help text */
  compact?: boolean;
}

/** an object's form inside a field (object fields, list items) */
const nestedForm: NestedForm = (q) => <SchemaForm {...q} compact />;

/** a form generated from an object schema and its UI hints */
export function SchemaForm(p: SchemaFormProps) {
  const props = propertiesOf(p.schema);
  const effective = withDefaults(p.schema, p.value);
  const required = requiredFor(p.schema, effective);
  const names = (p.only ?? orderedFields(p.schema, p.order)).filter((n) => props[n] && isShown(p.showIf?.[n], effective));
  return (
    <div className={p.compact ? 'form compact' : 'form'}>
      {names.map((name) => {
        const schema = props[name] as JsonSchema;
        const errors = p.errors?.[name];
        const id = `${p.idPrefix}.${name}`;
        return (
          <FieldRow key={name} name={name} label={titleOf(schema, name)} required={required.includes(name)} help={p.compact ? undefined : descriptionOf(schema)} errors={errors}>
            <SchemaField
              name={id}
              schema={schema}
              kind={kindOf(schema, p.widgets?.[name])}
              value={p.value[name]}
              onChange={(v) => p.onChange(withKey(p.value, name, v))}
              invalid={errors !== undefined && errors.length > 0}
              required={required.includes(name)}
              values={effective}
              sensitive={p.sensitive?.includes(name)}
              nested={nestedForm}
              {...(p.connectionTypes ? { connectionTypes: p.connectionTypes } : {})}
              {...(p.custom ? { custom: p.custom } : {})}
            />
          </FieldRow>
        );
      })}
    </div>
  );
}
