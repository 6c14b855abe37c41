/** A connection driver whose module (and client library) loads on first use. */
import type { ColumnInfo, ConnectionDriver, QueryAnswer, QueryRequest } from './driver-api.ts';

export function lazyDriver(type: string, load: () => Promise<ConnectionDriver>): ConnectionDriver {
  let loading: Promise<ConnectionDriver> | undefined;
  const driver = (): Promise<ConnectionDriver> => (loading ??= load());
  return {
    type,
    open: async (profile) => (await driver()).open(profile),
    close: async (client) => (await driver()).close(client),
    test: async (profile, timeoutMs) => (await driver()).test(profile, timeoutMs),
    async listTables(client): Promise<string[]> {
      const d = await driver();
      if (!d.listTables) throw new Error(`${type} connections have no tables`);
      return d.listTables(client);
    },
    async listColumns(client, table): Promise<ColumnInfo[]> {
      const d = await driver();
      if (!d.listColumns) throw new Error(`${type} connections have no columns`);
      return d.listColumns(client, table);
    },
    async query(client, request: QueryRequest): Promise<QueryAnswer> {
      const d = await driver();
      if (!d.query) throw new Error(`${type} connections do not run queries`);
      return d.query(client, request);
    },
  };
}
