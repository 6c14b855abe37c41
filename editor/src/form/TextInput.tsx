import type { FieldProps } from './field-types.ts';

const TIME_ZONES: string[] = (() => {
  try {
    return ['GMT', ...Intl.supportedValuesOf('timeZone')];
  } catch {
    return ['GMT', 'UTC'];
  }
})();

/** string, password, expression and time zone fields: one line of text; empty removes the field */
export function TextInput({ name, schema, kind, value, onChange, invalid, sensitive }: FieldProps) {
  const dflt = schema['default'];
  const listId = kind === 'timezone' ? 'tz-list' : undefined;
  return (
    <>
      <input
        name={name}
        className={kind === 'expression' ? 'input mono' : 'input'}
        type={sensitive || kind === 'password' ? 'password' : 'text'}
        value={typeof value === 'string' ? value : ''}
        placeholder={typeof dflt === 'string' ? dflt : kind === 'expression' ? '${payload}' : ''}
        aria-invalid={invalid}
        spellCheck={false}
        autoComplete={sensitive ? 'new-password' : 'off'}
        list={listId}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
      {listId && (
        <datalist id={listId}>
          {TIME_ZONES.map((tz) => (
            <option key={tz} value={tz} />
          ))}
        </datalist>
      )}
    </>
  );
}
