import { enumLabel, enumOf } from '../lib/schema.ts';
import type { FieldProps } from './field-types.ts';

/** a select over the schema's enum; values keep their JSON type (QoS 0/1/2 stay numbers) */
export function EnumSelect({ name, schema, value, onChange, invalid, required }: FieldProps) {
  const options = enumOf(schema) ?? [];
  const dflt = schema['default'];
  const current = value === undefined ? dflt : value;
  const index = options.findIndex((o) => o === current);
  const emptyAllowed = !required && dflt === undefined;
  return (
    <select
      name={name}
      className="input"
      value={index < 0 ? '' : String(index)}
      aria-invalid={invalid}
      onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}
    >
      {(emptyAllowed || index < 0) && <option value="">—</option>}
      {options.map((o, i) => (
        <option key={String(o)} value={String(i)}>
          {enumLabel(schema, o)}
        </option>
      ))}
    </select>
  );
}
