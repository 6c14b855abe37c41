import type { FieldProps } from './field-types.ts';

export function CheckboxInput({ name, schema, value, onChange }: FieldProps) {
  const checked = typeof value === 'boolean' ? value : schema['default'] === true;
  return (
    <label className="checkbox">
      <input name={name} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{checked ? 'yes' : 'no'}</span>
    </label>
  );
}
