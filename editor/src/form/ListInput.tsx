import { useState } from 'react';
import { itemsOf } from '../lib/schema.ts';
import type { FieldProps } from './field-types.ts';
import { useDraft } from './use-draft.ts';

/** a list of numbers or strings typed comma-separated: `0, 15, 30` or `id, name` */
export function ListInput({ name, schema, kind, value, onChange, invalid }: FieldProps) {
  const [error, setError] = useState<string>();
  const show = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '');
  const [text, setText] = useDraft(value, show);
  const dflt = schema['default'];
  const itemTitle = itemsOf(schema)['title'];

  const change = (raw: string): void => {
    const parts = raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (parts.length === 0) {
      setError(undefined);
      setText(raw, { value: undefined });
      return onChange(undefined);
    }
    if (kind === 'number-list') {
      const nums = parts.map(Number);
      const bad = parts.find((p, i) => Number.isNaN(nums[i]));
      if (bad !== undefined) {
        setError(`"${bad}" is not a number`);
        return setText(raw);
      }
      setError(undefined);
      setText(raw, { value: nums });
      return onChange(nums);
    }
    setError(undefined);
    setText(raw, { value: parts });
    onChange(parts);
  };

  return (
    <>
      <input
        name={name}
        className="input"
        value={text}
        placeholder={Array.isArray(dflt) ? dflt.join(', ') : typeof itemTitle === 'string' ? `${itemTitle}, …` : kind === 'number-list' ? '0, 15, 30' : 'a, b, c'}
        aria-invalid={invalid || error !== undefined}
        spellCheck={false}
        onChange={(e) => change(e.target.value)}
      />
      {error && <div className="field-error">{error}</div>}
    </>
  );
}
