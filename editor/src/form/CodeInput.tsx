import type { KeyboardEvent } from 'react';
import type { FieldProps } from './field-types.ts';

/** script code and SQL: a monospace text area where Tab indents */
export function CodeInput({ name, schema, kind, value, onChange, invalid }: FieldProps) {
  const dflt = schema['default'];
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key !== 'Tab' || e.shiftKey) return;
    e.preventDefault();
    const el = e.currentTarget;
    const { selectionStart: s, selectionEnd: end, value: text } = el;
    const next = `${text.slice(0, s)}  ${text.slice(end)}`;
    onChange(next);
    requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2));
  };
  return (
    <textarea
      name={name}
      className={`input mono code ${kind}`}
      rows={kind === 'code' ? 12 : 4}
      value={typeof value === 'string' ? value : ''}
      placeholder={typeof dflt === 'string' ? dflt : kind === 'sql' ? 'status = :status' : ''}
      aria-invalid={invalid}
      spellCheck={false}
      onKeyDown={onKeyDown}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
    />
  );
}
