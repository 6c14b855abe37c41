import type { FieldProps } from './field-types.ts';

/** integer and number fields; empty removes the field so the default applies */
export function NumberInput({ name, schema, kind, value, onChange, invalid }: FieldProps) {
  const dflt = schema['default'];
  const min = schema['minimum'];
  const max = schema['maximum'];
  return (
    <input
      name={name}
      className="input"
      type="number"
      step={kind === 'integer' ? 1 : 'any'}
      min={typeof min === 'number' ? min : undefined}
      max={typeof max === 'number' && max < Number.MAX_SAFE_INTEGER ? max : undefined}
      value={typeof value === 'number' ? value : ''}
      placeholder={typeof dflt === 'number' ? String(dflt) : ''}
      aria-invalid={invalid}
      onChange={(e) => {
        const raw = e.target.value;
        if (raw === '') return onChange(undefined);
        const n = Number(raw);
        if (!Number.isNaN(n)) onChange(n);
      }}
    />
  );
}
