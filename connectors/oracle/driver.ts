/**
 * Oracle connection driver: node-oracledb in Thin mode only (pure JavaScript, no Instant
 * Client; initOracleClient is never called).
 *
 * connectString: the secret `connectString` in professional mode (Easy Connect or a full
 * descriptor), else `host:port/service` where service is `pdb` when given (a PDB is reached
 * through its service), else `serviceName`.
 *
 * Types as read: NUMBER(p) with p ≤ 15 is a number; other NUMBERs (COUNT, SUM, scaled) are
 * numbers when exact (|n| ≤ 2^53), else their text (values.ts exactNumber). DATE and TIMESTAMP
 * are wall times taken as UTC, read as ISO UTC text with six fraction digits (nine when the
 * nanoseconds are not zero): a JS Date would drop the microseconds. TIMESTAMP WITH (LOCAL)
 * TIME ZONE reads as the ISO UTC text of its instant (sessions run in UTC). CLOB reads as a string, BLOB as a Buffer. Row keys are the column names as Oracle
 * reports them (upper case unless created quoted).
 */
import { createRequire } from 'node:module';
import type { ConnectionProfileResolved, ColumnInfo, ConnectionDriver, QueryAnswer, QueryRequest } from '../../server/connections/driver-api.ts';
import { probeWithin } from '../sql/probe.ts';
import type { SqlExecutor } from '../sql/executor.ts';
import { runScriptQuery } from '../sql/script-query.ts';
import { oracleDialect } from './oracle/dialect.ts';
import { exactNumber, isoFromWallText, isoFromZonedText } from '../sql/values.ts';

/** An oracledb DbType constant (opaque). */
export type OracleDbType = { readonly name: string; readonly num: number };

export interface OracleFetchMeta {
  name: string;
  dbType: OracleDbType;
  precision?: number;
  scale?: number;
}

export interface OracleFetchHandlerResult {
  type?: OracleDbType;
  converter?: (value: unknown) => unknown;
}

export interface OracleExecuteOptions {
  outFormat?: number;
  autoCommit?: boolean;
  resultSet?: boolean;
  fetchArraySize?: number;
  fetchTypeHandler?: (meta: OracleFetchMeta) => OracleFetchHandlerResult | undefined;
  bindDefs?: { type: OracleDbType; maxSize?: number }[];
}

export interface OracleResultSet {
  getRows(count: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface OracleResult {
  rows?: Record<string, unknown>[];
  rowsAffected?: number;
  resultSet?: OracleResultSet;
  metaData?: { name: string }[];
}

export interface OracleConnection {
  execute(sql: string, binds?: unknown[] | Record<string, unknown>, options?: OracleExecuteOptions): Promise<OracleResult>;
  executeMany(sql: string, binds: unknown[][], options?: OracleExecuteOptions): Promise<OracleResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

export interface OraclePool {
  getConnection(): Promise<OracleConnection>;
  close(drainSeconds?: number): Promise<void>;
}

interface OracleConnectAttributes {
  user?: string;
  password?: string;
  connectString: string;
  /** seconds */
  connectTimeout?: number;
  transportConnectTimeout?: number;
}

interface OraclePoolAttributes extends OracleConnectAttributes {
  sessionCallback?: (conn: OracleConnection, requestedTag: string, done: (err?: Error) => void) => void;
  poolMin?: number;
  poolMax?: number;
  poolIncrement?: number;
  poolTimeout?: number;
  queueTimeout?: number;
}

/** The part of the oracledb module Tributary uses (the package ships no type declarations). */
export interface OracleDb {
  readonly thin: boolean;
  readonly OUT_FORMAT_OBJECT: number;
  readonly STRING: OracleDbType;
  readonly BUFFER: OracleDbType;
  readonly DB_TYPE_NUMBER: OracleDbType;
  readonly DB_TYPE_VARCHAR: OracleDbType;
  readonly DB_TYPE_CLOB: OracleDbType;
  readonly DB_TYPE_NCLOB: OracleDbType;
  readonly DB_TYPE_RAW: OracleDbType;
  readonly DB_TYPE_BLOB: OracleDbType;
  readonly DB_TYPE_DATE: OracleDbType;
  readonly DB_TYPE_TIMESTAMP: OracleDbType;
  readonly DB_TYPE_TIMESTAMP_TZ: OracleDbType;
  readonly DB_TYPE_TIMESTAMP_LTZ: OracleDbType;
  getConnection(attrs: OracleConnectAttributes): Promise<OracleConnection>;
  createPool(attrs: OraclePoolAttributes): Promise<OraclePool>;
}

let loaded: OracleDb | undefined;

/** node-oracledb, loaded on first use (Thin mode is its default). */
export function oracledb(): OracleDb {
  loaded ??= createRequire(import.meta.url)('oracledb') as OracleDb;
  return loaded;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function oracleConnectString(profile: ConnectionProfileResolved): string {
  const p = profile.params;
  if (p['mode'] === 'professional') {
    const cs = str(profile.secrets['connectString']) ?? str(p['connectString']);
    if (!cs) throw new Error(`oracle connection "${profile.name}": professional mode needs a connect string`);
    return cs;
  }
  const host = str(p['host']);
  if (!host) throw new Error(`oracle connection "${profile.name}": host is required`);
  const service = str(p['pdb']) ?? str(p['serviceName']);
  const hostPort = `${host.includes(':') ? `[${host}]` : host}:${num(p['port'], 1521)}`;
  return service ? `${hostPort}/${service}` : hostPort;
}

function connectAttributes(profile: ConnectionProfileResolved, timeoutMs: number): OracleConnectAttributes {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const attrs: OracleConnectAttributes = {
    connectString: oracleConnectString(profile),
    connectTimeout: seconds,
    transportConnectTimeout: seconds,
  };
  const user = str(profile.params['user']);
  if (user) attrs.user = user;
  const password = profile.secrets['password'];
  if (password) attrs.password = password;
  return attrs;
}

/**
 * Date-times are fetched as text in the session's NLS formats (ORACLE_SESSION_SQL:
 * 'YYYY-MM-DD HH24:MI:SS[.FF9][ TZH:TZM]') and turned into ISO UTC text here.
 */
export function oracleDateText(value: unknown): unknown {
  return typeof value === 'string' ? isoFromZonedText(isoFromWallText(value)) : value;
}

function numberText(value: unknown): unknown {
  return typeof value === 'string' ? exactNumber(value) : value;
}

/** Fetch rules of the module comment, for execute options. */
export function fetchTypeHandler(meta: OracleFetchMeta): OracleFetchHandlerResult | undefined {
  const db = oracledb();
  switch (meta.dbType) {
    case db.DB_TYPE_NUMBER: {
      const precision = meta.precision ?? 0;
      const scale = meta.scale ?? 0;
      if (scale === 0 && precision > 0 && precision <= 15) return undefined;
      return { type: db.STRING, converter: numberText };
    }
    case db.DB_TYPE_DATE:
    case db.DB_TYPE_TIMESTAMP:
    case db.DB_TYPE_TIMESTAMP_TZ:
    case db.DB_TYPE_TIMESTAMP_LTZ:
      return { type: db.STRING, converter: oracleDateText };
    case db.DB_TYPE_CLOB:
    case db.DB_TYPE_NCLOB:
      return { type: db.STRING };
    case db.DB_TYPE_BLOB:
      return { type: db.BUFFER };
    default:
      return undefined;
  }
}

export function driverError(err: unknown): Error {
  if (err instanceof AggregateError && !err.message && err.errors.length > 0)
    return new Error(err.errors.map((e: unknown) => driverError(e).message).join('; '));
  if (err instanceof Error) return err.message ? err : new Error(err.name);
  return new Error(String(err));
}

/**
 * Every pooled session: UTC, and date/number text formats that convert back exactly, so a
 * watermark read as TO_CHAR(col) compares with `col > :wm` to the microsecond.
 */
export const ORACLE_SESSION_SQL =
  "ALTER SESSION SET TIME_ZONE = '+00:00' NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'" +
  " NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9' NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'" +
  " NLS_NUMERIC_CHARACTERS = '.,'";

async function open(profile: ConnectionProfileResolved): Promise<OraclePool> {
  const timeoutMs = num(profile.params['timeoutMs'], DEFAULT_TIMEOUT_MS);
  return oracledb().createPool({
    ...connectAttributes(profile, timeoutMs),
    sessionCallback: (conn, _tag, done) => {
      conn.execute(ORACLE_SESSION_SQL).then(() => done(), done);
    },
    poolMin: 0,
    poolMax: 10,
    poolIncrement: 1,
    poolTimeout: 60,
    queueTimeout: Math.max(timeoutMs, 60_000),
  });
}

async function test(profile: ConnectionProfileResolved, timeoutMs: number): Promise<void> {
  let conn: OracleConnection | undefined;
  await probeWithin(
    timeoutMs,
    async () => {
      conn = await oracledb().getConnection(connectAttributes(profile, timeoutMs));
      await conn.execute('SELECT 1 FROM DUAL');
    },
    async () => {
      await conn?.close().catch(() => undefined);
    },
    driverError,
  );
}

/** `fn` on a pooled connection, given back to the pool whatever happens */
export async function withConnection<T>(pool: OraclePool, fn: (c: OracleConnection) => Promise<T>): Promise<T> {
  const conn = await pool.getConnection();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

function splitTable(table: string): { owner: string | null; name: string } {
  const dot = table.indexOf('.');
  const up = (s: string): string => (s === s.toLowerCase() ? s.toUpperCase() : s);
  return dot < 0 ? { owner: null, name: up(table) } : { owner: up(table.slice(0, dot)), name: up(table.slice(dot + 1)) };
}

async function listTables(pool: OraclePool): Promise<string[]> {
  return withConnection(pool, async (c) => {
    const r = await c.execute('SELECT table_name AS "T" FROM user_tables ORDER BY table_name', [], { outFormat: oracledb().OUT_FORMAT_OBJECT });
    return (r.rows ?? []).map((row) => String(row['T']));
  });
}

async function listColumns(pool: OraclePool, table: string): Promise<ColumnInfo[]> {
  const { owner, name } = splitTable(table);
  const sql = owner
    ? `SELECT c.column_name AS "N", c.data_type AS "T", c.nullable AS "NU",
              (SELECT COUNT(*) FROM all_constraints k JOIN all_cons_columns kc
                  ON kc.owner = k.owner AND kc.constraint_name = k.constraint_name
                WHERE k.constraint_type = 'P' AND k.owner = c.owner AND k.table_name = c.table_name
                  AND kc.column_name = c.column_name) AS "PK"
         FROM all_tab_columns c WHERE c.owner = :1 AND c.table_name = :2 ORDER BY c.column_id`
    : `SELECT c.column_name AS "N", c.data_type AS "T", c.nullable AS "NU",
              (SELECT COUNT(*) FROM user_constraints k JOIN user_cons_columns kc ON kc.constraint_name = k.constraint_name
                WHERE k.constraint_type = 'P' AND k.table_name = c.table_name AND kc.column_name = c.column_name) AS "PK"
         FROM user_tab_columns c WHERE c.table_name = :1 ORDER BY c.column_id`;
  return withConnection(pool, async (c) => {
    const r = await c.execute(sql, owner ? [owner, name] : [name], { outFormat: oracledb().OUT_FORMAT_OBJECT });
    const rows = r.rows ?? [];
    if (rows.length === 0) throw new Error(`table "${table}" does not exist`);
    return rows.map((row) => ({
      name: String(row['N']),
      type: String(row['T']),
      nullable: row['NU'] === 'Y',
      primaryKey: Number(row['PK']) > 0,
    }));
  });
}

export const oracleDriver: ConnectionDriver<OraclePool> = {
  type: 'oracle',
  open,
  close: (pool) => pool.close(0),
  test,
  listTables,
  listColumns,
  query: oracleQuery,
};

/** .ts when run from source, .js when compiled into dist/ */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** scripts' ctx.db; the executor imports this file, so it loads on first use (no import cycle) */
async function oracleQuery(pool: OraclePool, request: QueryRequest): Promise<QueryAnswer> {
  const { oracleExecutor } = (await import(`./oracle/executor${EXT}`)) as { oracleExecutor(pool: OraclePool): SqlExecutor };
  return runScriptQuery(oracleDialect, oracleExecutor(pool), request);
}

export default oracleDriver;
