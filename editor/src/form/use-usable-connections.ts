import { useEffect } from 'react';
import { useConnections } from '../stores/connections-store.ts';
import type { JsonSchema } from '../api/types.ts';

/** the saved connections a field accepts (its node's types, else the schema's `x-connectionTypes`), loaded on first use */
export function useUsableConnections(schema: JsonSchema, connectionTypes: string[] | undefined) {
  const { list, loaded, refresh } = useConnections();
  useEffect(() => {
    if (!loaded) void refresh();
  }, [loaded, refresh]);
  const hinted = schema['x-connectionTypes'];
  const types = connectionTypes?.length ? connectionTypes : Array.isArray(hinted) ? (hinted as string[]) : [];
  const usable = types.length > 0 ? list.filter((c) => types.includes(c.type)) : list;
  return { usable, types, loaded, refresh };
}
