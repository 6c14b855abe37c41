/** Runs the SQL layer's statements on a pg pool; large results stream through pg-cursor. */
import type { Pool, PoolClient } from 'pg';
import Cursor from 'pg-cursor';
import { pgTypes } from '../driver.ts';
import type { BatchPlan, Statement } from '../../sql/dialect.ts';
import type { DbRow, ExecResult, RowCursor, SqlExecutor } from '../../sql/executor.ts';
import { toError } from '../../../core/guards.ts';

export function postgresExecutor(pool: Pool): SqlExecutor {
  const run = async (stmt: Statement): Promise<ExecResult> => {
    const r = await pool.query<DbRow>(stmt.sql, stmt.binds);
    // fields are present whenever the statement returns rows (SELECT, RETURNING, SHOW…)
    return r.fields.length > 0 ? { rows: r.rows, affectedRows: r.rowCount ?? 0 } : { affectedRows: r.rowCount ?? 0 };
  };

  return {
    run,

    async runBatch(plan: BatchPlan): Promise<number> {
      if (plan.kind === 'single') return (await run(plan)).affectedRows;
      if (plan.kind === 'many') throw new Error('postgres has no array binding; plan with insertBatch/eachRow');
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        let affected = 0;
        for (const binds of plan.rows) affected += (await client.query(plan.sql, binds)).rowCount ?? 0;
        await client.query('COMMIT');
        return affected;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = toError(e);
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },

    async openCursor(stmt: Statement, pageSize: number): Promise<RowCursor> {
      const client: PoolClient = await pool.connect();
      // a cursor does not take the pool's parsers: give it the same ones
      const cursor = client.query(new Cursor<DbRow>(stmt.sql, stmt.binds, { types: pgTypes }));
      let failed: Error | undefined;
      let closed = false;
      return {
        async read(): Promise<DbRow[]> {
          try {
            return await cursor.read(pageSize);
          } catch (err) {
            failed = toError(err);
            throw err;
          }
        },
        async close(): Promise<void> {
          if (closed) return;
          closed = true;
          if (!failed) await cursor.close().catch((e: unknown) => (failed = toError(e)));
          // a failed cursor's client is dropped, not reused
          client.release(failed);
        },
      };
    },
  };
}
