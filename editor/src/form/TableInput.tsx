import { useEffect, useId, useState } from 'react';
import { connectionsApi } from '../api/endpoints.ts';
import type { FieldProps } from './field-types.ts';

/** a table name, with the tables of the chosen connection as suggestions */
export function TableInput({ name, value, onChange, invalid, values }: FieldProps) {
  const listId = useId();
  const connection = typeof values['connection'] === 'string' ? values['connection'] : undefined;
  const [tables, setTables] = useState<string[]>([]);
  useEffect(() => {
    if (!connection) return setTables([]);
    let live = true;
    connectionsApi.tables(connection).then(
      (t) => live && setTables(t),
      () => live && setTables([]),
    );
    return () => {
      live = false;
    };
  }, [connection]);
  return (
    <>
      <input
        name={name}
        className="input mono"
        value={typeof value === 'string' ? value : ''}
        placeholder={tables.length ? `e.g. ${tables[0]}` : 'table or schema.table'}
        list={listId}
        aria-invalid={invalid}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value || undefined)}
      />
      <datalist id={listId}>
        {tables.map((t) => <option key={t} value={t} />)}
      </datalist>
    </>
  );
}
