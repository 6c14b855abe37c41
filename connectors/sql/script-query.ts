/**
 * One statement a script sends through a database connection (`ctx.db(name).query(sql, binds)`),
 * the same way for MySQL/MariaDB, PostgreSQL and Oracle: values only through `:name` binds
 * (rewritten to the dialect's placeholders, never spliced into the text), rows read with the
 * driver's cursor so a query that returns more than `maxRows` stops there with an error instead
 * of filling memory, and a time limit over the whole statement.
 */
import type { QueryAnswer, QueryRequest } from '../../server/connections/driver-api.ts';
import { Binder, isQuery, userSql } from './build-read.ts';
import type { Dialect } from './dialect.ts';
import type { DbRow, SqlExecutor } from './executor.ts';

const PAGE_ROWS = 500;

export async function runScriptQuery(d: Dialect, exec: SqlExecutor, request: QueryRequest): Promise<QueryAnswer> {
  const binder = new Binder(d);
  const sql = userSql(d, request.sql, request.binds, binder, 'binds');
  const stmt = { sql, binds: binder.binds };
  const timer = deadline(request.timeoutMs);
  try {
    if (!isQuery(sql)) return await Promise.race([exec.run(stmt), timer.expired]);
    const cursor = await Promise.race([exec.openCursor(stmt, Math.min(PAGE_ROWS, request.maxRows + 1)), timer.expired]);
    const rows: DbRow[] = [];
    try {
      for (;;) {
        const page = await Promise.race([cursor.read(), timer.expired]);
        if (page.length === 0) break;
        for (const row of page) rows.push(row);
        if (rows.length > request.maxRows) {
          throw new Error(`the query returned more than ${request.maxRows} rows; add a LIMIT or page through the rows`);
        }
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
    return { rows, affectedRows: 0 };
  } finally {
    timer.clear();
  }
}

function deadline(ms: number): { expired: Promise<never>; clear(): void } {
  let handle: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    handle = setTimeout(() => reject(new Error(`the query did not finish within ${ms} ms`)), ms);
  });
  // nobody may be listening when the statement wins the race
  expired.catch(() => undefined);
  return { expired, clear: () => clearTimeout(handle) };
}
