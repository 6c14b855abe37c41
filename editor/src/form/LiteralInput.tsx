import { parseLiteral, showLiteral } from '../lib/json.ts';
import type { FieldProps } from './field-types.ts';
import { useDraft } from './use-draft.ts';

/** a value of any type typed on one line: `42`, `true`, `{"a":1}` as JSON, anything else as text */
export function LiteralInput({ name, schema, value, onChange, invalid }: FieldProps) {
  const [text, setText] = useDraft(value, showLiteral);
  const dflt = schema['default'];
  return (
    <input
      name={name}
      className="input mono"
      value={text}
      placeholder={dflt !== undefined ? showLiteral(dflt) : 'text, number, JSON or ${…}'}
      aria-invalid={invalid}
      spellCheck={false}
      onChange={(e) => {
        const next = parseLiteral(e.target.value);
        setText(e.target.value, { value: next });
        onChange(next);
      }}
    />
  );
}
