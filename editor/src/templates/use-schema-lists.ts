/** The tables of a connection and the columns of a table, for the wizard's pickers. */
import { useEffect } from 'react';
import type { ColumnInfo } from '../api/types.ts';
import { columnsKey, useSchemaCache, type Loadable } from '../stores/schema-cache-store.ts';

export function useTables(connectionId: string | undefined): Loadable<string[]> | undefined {
  const entry = useSchemaCache((s) => (connectionId ? s.tables[connectionId] : undefined));
  useEffect(() => {
    if (connectionId) useSchemaCache.getState().loadTables(connectionId);
  }, [connectionId]);
  return entry;
}

export function useColumns(connectionId: string | undefined, table: string | undefined): Loadable<ColumnInfo[]> | undefined {
  const key = connectionId && table ? columnsKey(connectionId, table) : undefined;
  const entry = useSchemaCache((s) => (key ? s.columns[key] : undefined));
  useEffect(() => {
    if (connectionId && table) useSchemaCache.getState().loadColumns(connectionId, table);
  }, [connectionId, table]);
  return entry;
}

/** the string value of sibling param `name` (the connection or table a picker browses) */
export function sibling(values: Record<string, unknown>, schema: Record<string, unknown>, hint: 'x-connection' | 'x-table'): string | undefined {
  const param = schema[hint];
  const v = typeof param === 'string' ? values[param] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
}
