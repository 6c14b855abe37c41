import { isRecord } from '../lib/json.ts';
import { itemsOf } from '../lib/schema.ts';
import type { FieldProps } from './field-types.ts';

/** a list of objects (switch rules): one small form per item, numbered */
export function ObjectList({ name, schema, value, onChange, nested }: FieldProps) {
  const items = Array.isArray(value) ? value.map((v) => (isRecord(v) ? v : {})) : [];
  const itemSchema = itemsOf(schema);
  const set = (next: Record<string, unknown>[]): void => onChange(next);
  return (
    <div className="object-list">
      {items.map((item, i) => (
        <div className="object-item" key={i}>
          <div className="object-item-head">
            <span className="muted">#{i + 1}</span>
            <button type="button" className="icon-btn" aria-label={`Remove item ${i + 1}`} title="Remove" onClick={() => set(items.filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
          {nested?.({ idPrefix: `${name}[${i}]`, schema: itemSchema, value: item, onChange: (next) => set(items.map((it, j) => (j === i ? next : it))) })}
        </div>
      ))}
      <button type="button" className="btn small ghost" data-testid={`${name}-add`} onClick={() => set([...items, {}])}>
        + Add
      </button>
    </div>
  );
}
