import { useUsableConnections } from './use-usable-connections.ts';
import type { FieldProps } from './field-types.ts';

/** several saved connections of the accepted types (a script's `connections` for ctx.db) */
export function ConnectionsPicker({ name, schema, value, onChange, connectionTypes }: FieldProps) {
  const { usable, types, loaded } = useUsableConnections(schema, connectionTypes);
  const chosen = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const missing = loaded ? chosen.filter((id) => !usable.some((c) => c.id === id)) : [];
  const toggle = (id: string, on: boolean): void => {
    const next = on ? [...chosen, id] : chosen.filter((c) => c !== id);
    onChange(next.length > 0 ? next : undefined);
  };
  return (
    <div className="stack gap-s" data-testid={name}>
      {usable.length === 0 && loaded && <span className="muted">no {types.join('/')} connection yet</span>}
      {usable.map((c) => (
        <label key={c.id} className="checkbox">
          <input type="checkbox" name={`${name}.${c.id}`} checked={chosen.includes(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />
          <span>
            {c.name} · {c.type} · {c.environment}
          </span>
        </label>
      ))}
      {missing.map((id) => (
        <label key={id} className="checkbox" aria-invalid>
          <input type="checkbox" checked onChange={() => toggle(id, false)} />
          <span>{id} (not found)</span>
        </label>
      ))}
    </div>
  );
}
