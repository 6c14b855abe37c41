import { isRecord } from '../lib/json.ts';
import type { FieldProps } from '../form/field-types.ts';
import { KeyValueEditor } from '../form/KeyValueEditor.tsx';
import { sibling, useColumns } from './use-schema-lists.ts';

/** target column → source field, with the target table's columns and the chosen fields as suggestions */
export function MappingEditor({ name, schema, value, onChange, invalid, values }: FieldProps) {
  const columns = useColumns(sibling(values, schema, 'x-connection'), sibling(values, schema, 'x-table'));
  const targets = columns?.state === 'ok' ? columns.value.map((c) => c.name) : [];
  const fields = Array.isArray(values['fields']) ? values['fields'].filter((f): f is string => typeof f === 'string') : [];
  const autoMap = (): void => {
    const next: Record<string, string> = isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};
    const sources = fields.length > 0 ? fields : targets;
    for (const col of targets) if (sources.includes(col) && next[col] === undefined) next[col] = col;
    onChange(Object.keys(next).length > 0 ? next : undefined);
  };
  return (
    <KeyValueEditor
      name={name}
      value={value}
      onChange={onChange}
      invalid={invalid}
      stringsOnly
      keyPlaceholder="target column"
      valuePlaceholder="source field"
      keySuggestions={targets}
      valueSuggestions={fields}
      actions={
        targets.length > 0 && (
          <button type="button" className="btn small ghost" onClick={autoMap} data-testid={`${name}-automap`}>
            Map same-named columns
          </button>
        )
      }
    />
  );
}
