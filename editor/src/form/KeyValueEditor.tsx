import { useId, type ReactNode } from 'react';
import { isRecord, parseLiteral, showLiteral } from '../lib/json.ts';
import { keyValueStringsOnly } from '../lib/schema.ts';
import type { FieldProps } from './field-types.ts';
import { useDraft } from './use-draft.ts';

interface Row { key: string; text: string }

export interface KeyValueEditorProps {
  name: string;
  value: unknown;
  onChange(value: Record<string, unknown> | undefined): void;
  invalid?: boolean;
  /** values stay text (headers); otherwise `42`, `true` and JSON are typed values */
  stringsOnly?: boolean;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  keySuggestions?: string[];
  valueSuggestions?: string[];
  /** more buttons beside "+ Add" */
  actions?: ReactNode;
}

/** an object as rows of key → value (set fields, binds, headers, column mappings) */
export function KeyValueEditor(p: KeyValueEditorProps) {
  const listId = useId();
  const show = (v: unknown): Row[] =>
    isRecord(v) ? Object.entries(v).map(([key, val]) => ({ key, text: p.stringsOnly ? String(val ?? '') : showLiteral(val) })) : [];
  const [rows, setRows] = useDraft<Row[]>(p.value, show);

  const emit = (next: Row[]): void => {
    const obj: Record<string, unknown> = {};
    for (const r of next) if (r.key.trim() !== '') obj[r.key.trim()] = p.stringsOnly ? r.text : (parseLiteral(r.text) ?? '');
    const value = Object.keys(obj).length > 0 ? obj : undefined;
    setRows(next, { value });
    p.onChange(value);
  };
  const edit = (i: number, patch: Partial<Row>): void => emit(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const keys = rows.map((r) => r.key.trim()).filter(Boolean);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);

  return (
    <div className="kv" data-invalid={p.invalid || undefined}>
      {rows.map((r, i) => (
        <div className="kv-row" key={i}>
          <input
            name={`${p.name}.key.${i}`}
            className="input mono"
            value={r.key}
            placeholder={p.keyPlaceholder ?? 'name'}
            list={p.keySuggestions ? `${listId}-k` : undefined}
            spellCheck={false}
            onChange={(e) => edit(i, { key: e.target.value })}
          />
          <span className="kv-arrow">→</span>
          <input
            name={`${p.name}.value.${i}`}
            className="input mono"
            value={r.text}
            placeholder={p.valuePlaceholder ?? 'value or ${…}'}
            list={p.valueSuggestions ? `${listId}-v` : undefined}
            spellCheck={false}
            onChange={(e) => edit(i, { text: e.target.value })}
          />
          <button type="button" className="icon-btn" title="Remove" aria-label="Remove row" onClick={() => emit(rows.filter((_, j) => j !== i))}>
            ✕
          </button>
        </div>
      ))}
      <div className="row gap-s">
        <button type="button" className="btn small ghost" data-testid={`${p.name}-add`} onClick={() => setRows([...rows, { key: '', text: '' }])}>
          + Add
        </button>
        {p.actions}
      </div>
      {duplicate && <div className="field-hint warn">"{duplicate}" appears twice; the last one wins</div>}
      {p.keySuggestions && (
        <datalist id={`${listId}-k`}>
          {p.keySuggestions.map((s) => <option key={s} value={s} />)}
        </datalist>
      )}
      {p.valueSuggestions && (
        <datalist id={`${listId}-v`}>
          {p.valueSuggestions.map((s) => <option key={s} value={s} />)}
        </datalist>
      )}
    </div>
  );
}

export function KeyValueField({ name, schema, value, onChange, invalid }: FieldProps) {
  return <KeyValueEditor name={name} value={value} onChange={onChange} invalid={invalid} stringsOnly={keyValueStringsOnly(schema)} />;
}
