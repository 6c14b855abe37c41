import { useEffect } from 'react';
import { useConnections } from '../stores/connections-store.ts';
import type { FieldProps } from './field-types.ts';

/** a saved connection of an accepted type (node `connection` params, template connections) */
export function ConnectionSelect({ name, schema, value, onChange, invalid, connectionTypes }: FieldProps) {
  const { list, loaded, refresh } = useConnections();
  useEffect(() => {
    if (!loaded) void refresh();
  }, [loaded, refresh]);
  const hinted = schema['x-connectionTypes'];
  const types = connectionTypes?.length ? connectionTypes : Array.isArray(hinted) ? (hinted as string[]) : [];
  const usable = types.length > 0 ? list.filter((c) => types.includes(c.type)) : list;
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
