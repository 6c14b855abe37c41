/** Runs the SQL layer's statements on a mysql2 pool; large results stream through a query stream. */
import type { Connection as CoreConnection } from 'mysql2';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { BatchPlan, Statement } from '../../sql/dialect.ts';
import { statementsOn, type DbRow, type ExecResult, type RowCursor, type SqlExecutor, type TxExecutor } from '../../sql/executor.ts';

type QueryResult = RowDataPacket[] | ResultSetHeader;

function toResult(result: QueryResult): ExecResult {
  return Array.isArray(result) ? { rows: result as DbRow[], affectedRows: 0 } : { affectedRows: result.affectedRows };
}

export function mysqlExecutor(pool: Pool): SqlExecutor {
  const run = async (stmt: Statement): Promise<ExecResult> => {
    const [result] = await pool.query<QueryResult>({ sql: stmt.sql, values: stmt.binds });
    return toResult(result);
  };

  const transaction = async <T>(work: (tx: TxExecutor) => Promise<T>): Promise<T> => {
    const conn = await pool.getConnection();
    const tx = statementsOn(async (stmt) => toResult((await conn.query<QueryResult>({ sql: stmt.sql, values: stmt.binds }))[0]), 'mysql');
    try {
      await conn.beginTransaction();
      const result = await work(tx);
      await conn.commit();
      return result;
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      conn.release();
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
      const conn = await pool.getConnection();
      // the stream pauses the socket when its buffer is full: backpressure down to the server
      // the promise wrapper's `connection` is the callback-style connection, which can stream
      const core = conn.connection as unknown as CoreConnection;
      const stream = core.query({ sql: stmt.sql, values: stmt.binds }).stream({ highWaterMark: Math.min(pageSize, 1000) });
      const rows = stream[Symbol.asyncIterator]() as AsyncIterator<DbRow>;
      let done = false;
      return {
        async read(): Promise<DbRow[]> {
          const page: DbRow[] = [];
          while (!done && page.length < pageSize) {
            let next: IteratorResult<DbRow>;
            try {
              next = await rows.next();
            } catch (err) {
              done = true;
              stream.destroy();
              conn.destroy();
              throw err;
            }
            if (next.done) done = true;
            else page.push(next.value);
          }
          return page;
        },
        async close(): Promise<void> {
          if (done) {
            conn.release();
            return;
          }
          // rows still pending on the wire: the connection cannot be reused
          stream.destroy();
          conn.destroy();
        },
      };
    },
  };
}
