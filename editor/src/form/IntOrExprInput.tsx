import type { FieldProps } from './field-types.ts';

/** a number, or an expression giving one (`${payload.limit}`) */
export function IntOrExprInput({ name, schema, value, onChange, invalid }: FieldProps) {
  const dflt = schema['default'];
  return (
    <input
      name={name}
      className="input mono"
      value={value === undefined ? '' : String(value)}
      placeholder={dflt !== undefined ? String(dflt) : 'a number or ${…}'}
      aria-invalid={invalid}
      spellCheck={false}
      onChange={(e) => {
        const raw = e.target.value.trim();
        if (raw === '') onChange(undefined);
        else if (/^-?\d+(\.\d+)?$/.test(raw)) onChange(Number(raw));
        else onChange(e.target.value);
      }}
    />
  );
}
