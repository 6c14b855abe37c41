import type { FieldProps } from '../form/field-types.ts';
import { sibling, useColumns } from './use-schema-lists.ts';

/** one column (optional) of the table chosen in the `x-table` param */
export function ColumnPicker({ name, schema, value, onChange, invalid, values, required }: FieldProps) {
  const columns = useColumns(sibling(values, schema, 'x-connection'), sibling(values, schema, 'x-table'));
  const current = typeof value === 'string' ? value : '';
  if (!columns || columns.state !== 'ok')
    return (
      <input name={name} className="input mono" value={current} placeholder={columns?.state === 'loading' ? 'loading columns…' : 'column name'} aria-invalid={invalid} onChange={(e) => onChange(e.target.value || undefined)} />
    );
  return (
    <select name={name} className="input" value={current} aria-invalid={invalid} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">{required ? '— choose a column —' : '(none)'}</option>
      {columns.value.map((c) => (
        <option key={c.name} value={c.name}>
          {c.name} · {c.type}
          {c.primaryKey ? ' · key' : ''}
        </option>
      ))}
    </select>
  );
}
