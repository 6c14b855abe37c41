import type { FieldProps } from '../form/field-types.ts';
import { sibling, useTables } from './use-schema-lists.ts';

/** a table of the connection chosen in the `x-connection` param */
export function TablePicker({ name, schema, value, onChange, invalid, values }: FieldProps) {
  const connection = sibling(values, schema, 'x-connection');
  const tables = useTables(connection);
  const current = typeof value === 'string' ? value : '';
  if (!connection) return <div className="muted small">Choose the connection first.</div>;
  if (tables?.state === 'error')
    return (
      <>
        <input name={name} className="input mono" value={current} placeholder="table or schema.table" aria-invalid={invalid} onChange={(e) => onChange(e.target.value || undefined)} />
        <div className="field-hint warn">Tables could not be listed ({tables.error}); type the name.</div>
      </>
    );
  const list = tables?.state === 'ok' ? tables.value : [];
  return (
    <select name={name} className="input" value={current} aria-invalid={invalid} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">{tables?.state === 'loading' ? 'loading tables…' : list.length === 0 ? 'no tables found' : '— choose a table —'}</option>
      {current && !list.includes(current) && <option value={current}>{current}</option>}
      {list.map((t) => (
        <option key={t} value={t}>
          {t}
        </option>
      ))}
    </select>
  );
}
