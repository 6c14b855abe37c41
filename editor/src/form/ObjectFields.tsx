import { isRecord } from '../lib/json.ts';
import type { FieldProps } from './field-types.ts';
import { SchemaForm } from './SchemaForm.tsx';

/** an object with declared properties (incremental {column, initial}, kafka sasl): nested fields */
export function ObjectFields({ name, schema, value, onChange }: FieldProps) {
  const obj = isRecord(value) ? value : {};
  return (
    <div className="nested">
      <SchemaForm
        idPrefix={name}
        schema={schema}
        value={obj}
        onChange={(next) => onChange(Object.keys(next).length > 0 ? next : undefined)}
        compact
      />
    </div>
  );
}
