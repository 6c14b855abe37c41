/** Tables and columns of connections, fetched once per session for the pickers. */
import { create } from 'zustand';
import { connectionsApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import type { ColumnInfo } from '../api/types.ts';

export type Loadable<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: string };

interface SchemaCacheState {
  tables: Record<string, Loadable<string[]>>;
  columns: Record<string, Loadable<ColumnInfo[]>>;
  loadTables(connectionId: string): void;
  loadColumns(connectionId: string, table: string): void;
}

export const columnsKey = (connectionId: string, table: string): string => `${connectionId}/${table}`;

export const useSchemaCache = create<SchemaCacheState>()((set, get) => ({
  tables: {},
  columns: {},
  loadTables(id) {
    if (get().tables[id]) return;
    set({ tables: { ...get().tables, [id]: { state: 'loading' } } });
    connectionsApi.tables(id).then(
      (value) => set({ tables: { ...get().tables, [id]: { state: 'ok', value } } }),
      (err: unknown) => set({ tables: { ...get().tables, [id]: { state: 'error', error: errorText(err) } } }),
    );
  },
  loadColumns(id, table) {
    const key = columnsKey(id, table);
    if (get().columns[key]) return;
    set({ columns: { ...get().columns, [key]: { state: 'loading' } } });
    connectionsApi.columns(id, table).then(
      (value) => set({ columns: { ...get().columns, [key]: { state: 'ok', value } } }),
      (err: unknown) => set({ columns: { ...get().columns, [key]: { state: 'error', error: errorText(err) } } }),
    );
  },
}));
