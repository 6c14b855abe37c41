/**
 * MySQL / MariaDB connection driver (mysql2 promise pool).
 *
 * Types as read: BIGINT and DECIMAL (COUNT, SUM…) are numbers when exact (|n| ≤ 2^53), else
 * their text (values.ts exactNumber); DATE is a 'YYYY-MM-DD' string; DATETIME and TIMESTAMP
 * are ISO UTC strings with six fraction digits (microseconds kept) — every session runs with
 * time_zone '+00:00', so TIMESTAMP (stored as an instant) reads as that instant and DATETIME
 * (a wall time) is taken as UTC; written Dates and ISO strings are formatted in UTC likewise.
 * BLOBs are Buffers, text is utf8mb4 (emoji survive).
 */
import mysql from 'mysql2/promise';
import type { Connection, Pool, PoolOptions, RowDataPacket } from 'mysql2/promise';
import type { ConnectionProfileResolved, ColumnInfo, ConnectionDriver } from '../../server/connections/driver-api.ts';
import { probeWithin, splitQualified } from '../sql/probe.ts';
import { runScriptQuery } from '../sql/script-query.ts';
import { mysqlDialect } from './mysql/dialect.ts';
import { mysqlExecutor } from './mysql/executor.ts';
import { exactNumber, isoFromWallText } from '../sql/values.ts';

export type MysqlPool = Pool;

const DEFAULT_TIMEOUT_MS = 10_000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** the read rules of the module comment; every other type as mysql2 reads it */
export const mysqlTypeCast: NonNullable<PoolOptions['typeCast']> = (field, next) => {
  switch (field.type) {
    case 'DATETIME':
    case 'TIMESTAMP': {
      const text = field.string();
      return text === null ? null : isoFromWallText(text);
    }
    case 'LONGLONG':
    case 'NEWDECIMAL':
    case 'DECIMAL': {
      const text = field.string();
      return text === null ? null : exactNumber(text);
    }
    default:
      return next();
  }
};

/** Options for a connection or pool of `profile`, with the type handling described above. */
export function mysqlOptions(profile: ConnectionProfileResolved): PoolOptions {
  const p = profile.params;
  const common: PoolOptions = {
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: ['DATE'],
    typeCast: mysqlTypeCast,
    timezone: 'Z',
    charset: str(p['charset']) ?? 'utf8mb4',
    connectTimeout: num(p['timeoutMs'], DEFAULT_TIMEOUT_MS),
  };
  if (p['mode'] === 'professional') {
    const uri = str(profile.secrets['connectionString']);
    if (!uri) throw new Error(`mysql connection "${profile.name}": professional mode needs a connection string`);
    return { ...common, uri };
  }
  const host = str(p['host']);
  if (!host) throw new Error(`mysql connection "${profile.name}": host is required`);
  const options: PoolOptions = { ...common, host, port: num(p['port'], 3306) };
  const user = str(p['user']);
  if (user) options.user = user;
  const password = profile.secrets['password'];
  if (password) options.password = password;
  const database = str(p['database']);
  if (database) options.database = database;
  return options;
}

/** the driver's own message (a refused dual-stack connect arrives as an AggregateError without one) */
export function driverError(err: unknown): Error {
  if (err instanceof AggregateError && !err.message && err.errors.length > 0)
    return Object.assign(new Error(err.errors.map((e: unknown) => driverError(e).message).join('; ')), { code: (err as { code?: unknown }).code });
  if (err instanceof Error) return err.message ? err : Object.assign(new Error(String((err as { code?: unknown }).code ?? err.name)), err);
  return new Error(String(err));
}

const UTC_SESSION = "SET time_zone = '+00:00'";

async function open(profile: ConnectionProfileResolved): Promise<Pool> {
  const pool = mysql.createPool({
    ...mysqlOptions(profile),
    connectionLimit: 10,
    maxIdle: 10,
    idleTimeout: 60_000,
    enableKeepAlive: true,
    waitForConnections: true,
  });
  // queued before the connection is handed out, so every statement runs in UTC
  pool.pool.on('connection', (conn) => {
    conn.query(UTC_SESSION, () => undefined);
  });
  return pool;
}

async function test(profile: ConnectionProfileResolved, timeoutMs: number): Promise<void> {
  const options = { ...mysqlOptions(profile), connectTimeout: timeoutMs };
  let conn: Connection | undefined;
  await probeWithin(
    timeoutMs,
    async () => {
      conn = await mysql.createConnection(options);
      await conn.query({ sql: 'SELECT 1', timeout: timeoutMs });
    },
    async () => {
      await conn?.end().catch(() => conn?.destroy());
    },
    driverError,
  );
}

async function listTables(pool: Pool): Promise<string[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_SCHEMA = DATABASE() AS current
       FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE()
         OR (DATABASE() IS NULL AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys'))
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
  );
  return rows.map((r) => (Number(r['current']) === 1 ? String(r['t']) : `${String(r['s'])}.${String(r['t'])}`));
}

async function listColumns(pool: Pool, table: string): Promise<ColumnInfo[]> {
  const { schema, name } = splitQualified(table);
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS k
       FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?
      ORDER BY ORDINAL_POSITION`,
    [schema, name],
  );
  if (rows.length === 0) throw new Error(`table "${table}" does not exist`);
  return rows.map((r) => ({
    name: String(r['name']),
    type: String(r['type']),
    nullable: r['nullable'] === 'YES',
    primaryKey: r['k'] === 'PRI',
  }));
}

export const mysqlDriver: ConnectionDriver<Pool> = {
  type: 'mysql',
  open,
  close: (pool) => pool.end(),
  test,
  listTables,
  listColumns,
  query: (pool, request) => runScriptQuery(mysqlDialect, mysqlExecutor(pool), request),
};

export default mysqlDriver;
