/** Runs the SQL layer's statements on a pg pool; large results stream through pg-cursor. */
import type { Pool, PoolClient, QueryResult } from 'pg';
import Cursor from 'pg-cursor';
import { pgTypes } from '../driver.ts';
import type { BatchPlan, Statement } from '../../sql/dialect.ts';
import { statementsOn, type DbRow, type ExecResult, type RowCursor, type SqlExecutor, type TxExecutor } from '../../sql/executor.ts';
import { toError } from '../../../core/guards.ts';

/** fields are present whenever the statement returns rows (SELECT, RETURNING, SHOW…) */
function toResult(r: QueryResult<DbRow>): ExecResult {
  return r.fields.length > 0 ? { rows: r.rows, affectedRows: r.rowCount ?? 0 } : { affectedRows: r.rowCount ?? 0 };
}

/** SQLSTATEs after which a kept statement must be prepared again (cached plan's result type changed; gone) */
const STALE_PREPARED = new Set(['0A000', '26000']);
/** most statement texts kept prepared per pool; past it, statements run unnamed */
const MAX_PREPARED = 200;

/**
 * Names for statements kept prepared: one per text, on every pooled connection (pg prepares a
 * name once per connection). Parsing and planning a lookup costs the server more than running
 * it. A table altered under a kept statement makes it stale: it is then prepared under a new name.
 */
class PreparedNames {
  private readonly names = new Map<string, string>();
  private generation = 0;

  name(sql: string): string | undefined {
    let n = this.names.get(sql);
    if (n === undefined && this.names.size < MAX_PREPARED) {
      n = `tributary_${this.generation}_${this.names.size}`;
      this.names.set(sql, n);
    }
    return n;
  }

  renew(sql: string): void {
    this.generation++;
    this.names.delete(sql);
  }
}

export function postgresExecutor(pool: Pool): SqlExecutor {
  const prepared = new PreparedNames();
  const query = async (stmt: Statement) => {
    const name = stmt.prepared ? prepared.name(stmt.sql) : undefined;
    if (name === undefined) return pool.query<DbRow>(stmt.sql, stmt.binds);
    try {
      return await pool.query<DbRow>({ name, text: stmt.sql, values: stmt.binds });
    } catch (err) {
      if (!STALE_PREPARED.has(String((err as { code?: unknown }).code))) throw err;
      prepared.renew(stmt.sql);
      return pool.query<DbRow>(stmt.sql, stmt.binds);
    }
  };
  const run = async (stmt: Statement): Promise<ExecResult> => toResult(await query(stmt));

  const transaction = async <T>(work: (tx: TxExecutor) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    const tx = statementsOn(async (stmt) => toResult(await client.query<DbRow>(stmt.sql, stmt.binds)), 'postgres');
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    } finally {
      client.release(broken);
    }
  };

  return {
    run,

    async runBatch(plan: BatchPlan): Promise<number> {
      if (plan.kind === 'single') return (await run(plan)).affectedRows;
      return transaction((tx) => tx.runBatch(plan));
    },

    transaction,

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
