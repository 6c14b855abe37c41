import type { FieldProps } from '../form/field-types.ts';
import { ListInput } from '../form/ListInput.tsx';
import { sibling, useColumns } from './use-schema-lists.ts';

/** several columns of the table chosen in the `x-table` param, as checkboxes */
export function ColumnsPicker(props: FieldProps) {
  const { name, schema, value, onChange, values } = props;
  const columns = useColumns(sibling(values, schema, 'x-connection'), sibling(values, schema, 'x-table'));
  if (!columns || columns.state !== 'ok') return <ListInput {...props} kind="string-list" />;
  const chosen = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const toggle = (col: string, on: boolean): void => {
    const next = on ? [...chosen, col] : chosen.filter((c) => c !== col);
    // keep the table's column order
    const ordered = columns.value.map((c) => c.name).filter((c) => next.includes(c));
    onChange(ordered.length > 0 ? ordered : undefined);
  };
  const all = columns.value.length > 0 && chosen.length === columns.value.length;
  return (
    <div className="columns-picker" data-testid={`${name}-columns`}>
      <label className="checkbox strong">
        <input type="checkbox" checked={all} onChange={(e) => onChange(e.target.checked ? columns.value.map((c) => c.name) : undefined)} />
        <span>all columns</span>
      </label>
      {columns.value.map((c) => (
        <label key={c.name} className="checkbox">
          <input type="checkbox" name={`${name}.${c.name}`} checked={chosen.includes(c.name)} onChange={(e) => toggle(c.name, e.target.checked)} />
          <span>
            {c.name} <span className="muted small">{c.type}{c.primaryKey ? ' · key' : ''}</span>
          </span>
        </label>
      ))}
    </div>
  );
}
