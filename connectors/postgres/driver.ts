/**
 * PostgreSQL connection driver (pg Pool).
 *
 * Types as read: bigint (int8, COUNT) and numeric (SUM…) are numbers when exact (|n| ≤ 2^53),
 * else their text — the same rule as MySQL's BIGINT/DECIMAL (values.ts exactNumber). date is a
 * 'YYYY-MM-DD' string. Sessions run with TimeZone=UTC: timestamptz reads as the ISO UTC text
 * of its instant with six fraction digits (microseconds kept; a Date has milliseconds only),
 * and timestamp (without time zone, a wall time) the same way, taken as UTC, matching how
 * Dates and ISO strings are written. bytea is a Buffer; json/jsonb are parsed.
 */
import pg from 'pg';
import type { CustomTypesConfig, Pool, PoolConfig, ClientConfig } from 'pg';
import type { ConnectionProfileResolved, ColumnInfo, ConnectionDriver, QueryAnswer, QueryRequest } from '../../server/connections/driver-api.ts';
import { probeWithin, splitQualified } from '../sql/probe.ts';
import type { SqlExecutor } from '../sql/executor.ts';
import { runScriptQuery } from '../sql/script-query.ts';
import { postgresDialect } from './postgres/dialect.ts';
import { exactNumber, isoFromWallText, isoFromZonedText } from '../sql/values.ts';

export type PostgresPool = Pool;

const DEFAULT_TIMEOUT_MS = 10_000;
const OID = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700 } as const;

/** 'infinity', BC dates and the like are not ISO text: pg's own parser reads them */
function isoOr(fallback: (text: string) => unknown, iso: (text: string) => string): (text: string) => unknown {
  return (text) => {
    const out = iso(text);
    return out === text ? fallback(text) : out;
  };
}

const keepText = (text: string): string => text;

/** Type parsers of every pool and cursor: see the module comment. */
export const pgTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    const base = pg.types.getTypeParser(oid, format) as (text: string) => unknown;
    if (format === 'binary') return base;
    switch (oid) {
      case OID.int8:
      case OID.numeric:
        return exactNumber;
      case OID.date:
        return keepText;
      case OID.timestamp:
        return isoOr(base, isoFromWallText);
      case OID.timestamptz:
        return isoOr(base, isoFromZonedText);
      default:
        return base;
    }
  }) as CustomTypesConfig['getTypeParser'],
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function postgresConfig(profile: ConnectionProfileResolved): ClientConfig {
  const p = profile.params;
  const host = str(p['host']);
  if (!host) throw new Error(`postgres connection "${profile.name}": host is required`);
  const config: ClientConfig = {
    host,
    port: num(p['port'], 5432),
    types: pgTypes,
    options: '-c TimeZone=UTC',
    connectionTimeoutMillis: num(p['timeoutMs'], DEFAULT_TIMEOUT_MS),
    application_name: 'tributary',
  };
  const user = str(p['user']);
  if (user) config.user = user;
  const password = profile.secrets['password'];
  if (password) config.password = password;
  const database = str(p['database']);
  if (database) config.database = database;
  if (p['ssl'] === true) config.ssl = true;
  else if (p['ssl'] && typeof p['ssl'] === 'object') config.ssl = p['ssl'] as ClientConfig['ssl'];
  return config;
}

export function driverError(err: unknown): Error {
  if (err instanceof AggregateError && !err.message && err.errors.length > 0)
    return Object.assign(new Error(err.errors.map((e: unknown) => driverError(e).message).join('; ')), { code: (err as { code?: unknown }).code });
  if (err instanceof Error) return err.message ? err : Object.assign(new Error(String((err as { code?: unknown }).code ?? err.name)), err);
  return new Error(String(err));
}

async function open(profile: ConnectionProfileResolved): Promise<Pool> {
  const config: PoolConfig = { ...postgresConfig(profile), max: 10, idleTimeoutMillis: 60_000 };
  const pool = new pg.Pool(config);
  // an idle client that dies is dropped by the pool; without a listener it would crash the process
  pool.on('error', () => undefined);
  return pool;
}

async function test(profile: ConnectionProfileResolved, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ ...postgresConfig(profile), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  await probeWithin(
    timeoutMs,
    async () => {
      await client.connect();
      await client.query('SELECT 1');
    },
    async () => {
      await client.end().catch(() => undefined);
    },
    driverError,
  );
}

async function listTables(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ s: string; t: string; visible: boolean }>(
    `SELECT table_schema AS s, table_name AS t, table_schema = ANY (current_schemas(false)) AS visible
       FROM information_schema.tables
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_%'
      ORDER BY table_schema, table_name`,
  );
  return rows.map((r) => (r.visible && r.s === 'public' ? r.t : `${r.s}.${r.t}`));
}

async function listColumns(pool: Pool, table: string): Promise<ColumnInfo[]> {
  const { schema, name } = splitQualified(table);
  const { rows } = await pool.query<{ name: string; type: string; nullable: string; pk: boolean }>(
    `SELECT c.column_name AS name, c.data_type AS type, c.is_nullable AS nullable,
            EXISTS (SELECT 1 FROM information_schema.table_constraints tc
                      JOIN information_schema.key_column_usage k
                        ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name
                     WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema
                       AND tc.table_name = c.table_name AND k.column_name = c.column_name) AS pk
       FROM information_schema.columns c
      WHERE c.table_schema = COALESCE($1, 'public') AND c.table_name = $2
      ORDER BY c.ordinal_position`,
    [schema, name],
  );
  if (rows.length === 0) throw new Error(`table "${table}" does not exist`);
  return rows.map((r) => ({ name: r.name, type: r.type, nullable: r.nullable === 'YES', primaryKey: r.pk }));
}

export const postgresDriver: ConnectionDriver<Pool> = {
  type: 'postgres',
  open,
  close: (pool) => pool.end(),
  test,
  listTables,
  listColumns,
  query: postgresQuery,
};

/** .ts when run from source, .js when compiled into dist/ */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** scripts' ctx.db; the executor imports this file, so it loads on first use (no import cycle) */
async function postgresQuery(pool: Pool, request: QueryRequest): Promise<QueryAnswer> {
  const { postgresExecutor } = (await import(`./postgres/executor${EXT}`)) as { postgresExecutor(pool: Pool): SqlExecutor };
  return runScriptQuery(postgresDialect, postgresExecutor(pool), request);
}

export default postgresDriver;
