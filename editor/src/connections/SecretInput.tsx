import { SECRET_MASK } from '../../../core/connection-types.ts';

/**
 * A write-only secret: a stored one shows as ••• and is kept (sent as "***") unless the user
 * types a new value or clears it (null).
 */
export function SecretInput({ name, value, stored, multiline, invalid, onChange }: {
  name: string;
  value: string | null | undefined;
  stored: boolean;
  multiline?: boolean | undefined;
  invalid?: boolean | undefined;
  onChange(value: string | null | undefined): void;
}) {
  const kept = value === SECRET_MASK;
  const placeholder = kept ? '••••••  (stored — type to replace)' : value === null ? '(will be cleared)' : '';
  const shown = kept || value === null || value === undefined ? '' : value;
  const change = (text: string): void => onChange(text === '' ? (stored ? SECRET_MASK : undefined) : text);
  return (
    <div className="row gap-s">
      {multiline ? (
        <textarea name={name} className="input mono grow" rows={4} value={shown} placeholder={placeholder} aria-invalid={invalid} spellCheck={false} onChange={(e) => change(e.target.value)} />
      ) : (
        <input name={name} className="input grow" type="password" autoComplete="new-password" value={shown} placeholder={placeholder} aria-invalid={invalid} onChange={(e) => change(e.target.value)} />
      )}
      {stored && value !== null && (
        <button type="button" className="btn small ghost" title="Remove the stored secret" onClick={() => onChange(null)}>
          Clear
        </button>
      )}
      {stored && value === null && (
        <button type="button" className="btn small ghost" onClick={() => onChange(SECRET_MASK)}>
          Keep
        </button>
      )}
    </div>
  );
}
