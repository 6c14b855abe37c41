import { useUsableConnections } from './use-usable-connections.ts';
import type { FieldProps } from './field-types.ts';

/** a saved connection of an accepted type (node `connection` params, template connections) */
export function ConnectionSelect({ name, schema, value, onChange, invalid, connectionTypes }: FieldProps) {
  const { usable, types, loaded, refresh } = useUsableConnections(schema, connectionTypes);
  const current = typeof value === 'string' ? value : '';
  const missing = current !== '' && loaded && !usable.some((c) => c.id === current);
  return (
    <div className="row gap-s">
      <select name={name} className="input grow" value={current} aria-invalid={invalid || missing} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{usable.length === 0 && loaded ? `no ${types.join('/') || ''} connection yet` : '— choose a connection —'}</option>
        {missing && <option value={current}>{current} (not found)</option>}
        {usable.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} · {c.type} · {c.environment}
          </option>
        ))}
      </select>
      <button type="button" className="icon-btn" title="Reload connections" aria-label="Reload connections" onClick={() => void refresh()}>
        ↻
      </button>
    </div>
  );
}
