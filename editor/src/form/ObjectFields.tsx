import { isRecord } from '../lib/json.ts';
import type { FieldProps } from './field-types.ts';

/** an object with declared properties (incremental {column, initial}, kafka sasl): nested fields */
export function ObjectFields({ name, schema, value, onChange, nested }: FieldProps) {
  const obj = isRecord(value) ? value : {};
  return (
    <div className="nested">
      {nested?.({ idPrefix: name, schema, value: obj, onChange: (next) => onChange(Object.keys(next).length > 0 ? next : undefined) })}
    </div>
  );
}
