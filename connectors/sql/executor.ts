/** What the shared SQL runtime needs from one database's driver. */
import type { BatchPlan, Statement } from './dialect.ts';

export type DbRow = Record<string, unknown>;

export interface ExecResult {
  /** set when the statement returned rows (SELECT, RETURNING, SHOW…) */
  rows?: DbRow[];
  affectedRows: number;
}

/** Rows of a running query, read a page at a time; `close` must always be called. */
export interface RowCursor {
  /** up to the page size of rows; fewer only at the end, none when done */
  read(): Promise<DbRow[]>;
  close(): Promise<void>;
}

export interface SqlExecutor {
  run(stmt: Statement): Promise<ExecResult>;
  /** writes one planned batch; resolves to the affected row count */
  runBatch(plan: BatchPlan): Promise<number>;
  /** streams a query's rows with the driver's cursor so memory holds at most a page or two */
  openCursor(stmt: Statement, pageSize: number): Promise<RowCursor>;
}
