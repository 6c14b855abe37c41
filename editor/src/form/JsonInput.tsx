import { useState } from 'react';
import { parseJson, pretty } from '../lib/json.ts';
import type { FieldProps } from './field-types.ts';
import { useDraft } from './use-draft.ts';

/** any JSON value (inject payload, and the fallback for shapes no other control knows) */
export function JsonInput({ name, value, onChange, invalid }: FieldProps) {
  const [error, setError] = useState<string>();
  const [text, setText] = useDraft(value, pretty);
  const lines = Math.min(14, Math.max(3, text.split('\n').length + 1));
  return (
    <>
      <textarea
        name={name}
        className="input mono"
        rows={lines}
        value={text}
        placeholder='{"x": 1}'
        aria-invalid={invalid || error !== undefined}
        spellCheck={false}
        onChange={(e) => {
          const raw = e.target.value;
          if (raw.trim() === '') {
            setError(undefined);
            setText(raw, { value: undefined });
            return onChange(undefined);
          }
          const parsed = parseJson(raw);
          if (!parsed.ok) {
            setError(`not valid JSON yet: ${parsed.error}`);
            return setText(raw);
          }
          setError(undefined);
          setText(raw, { value: parsed.value });
          onChange(parsed.value);
        }}
      />
      {error && <div className="field-hint warn">{error}</div>}
    </>
  );
}
