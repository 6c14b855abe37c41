/** A connection driver whose module (and client library) loads on first use. */
import type { ColumnInfo, ConnectionDriver, QueryAnswer, QueryRequest } from './driver-api.ts';
import { ValidationError } from '../../core/errors.ts';

/** the schema pickers asked of a connection type that has no tables (MQTT, Kafka, HTTP): 400 */
export function noSchema(type: string, what: 'tables' | 'columns', profile = ''): ValidationError<'SCHEMA_NOT_SUPPORTED'> {
  const message = `${profile ? `${profile}: ` : ''}${type} connections have no ${what}`;
  return new ValidationError(message, [{ path: 'type', message: `has no ${what}` }], 'SCHEMA_NOT_SUPPORTED', { type });
}

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
      if (!d.listTables) throw noSchema(type, 'tables');
      return d.listTables(client);
    },
    async listColumns(client, table): Promise<ColumnInfo[]> {
      const d = await driver();
      if (!d.listColumns) throw noSchema(type, 'columns');
      return d.listColumns(client, table);
    },
    async query(client, request: QueryRequest): Promise<QueryAnswer> {
      const d = await driver();
      if (!d.query) throw new Error(`${type} connections do not run queries`);
      return d.query(client, request);
    },
  };
}
