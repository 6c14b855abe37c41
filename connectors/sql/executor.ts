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
  /**
   * runs `work` in one transaction on one connection: committed when it resolves, rolled back
   * when it throws (the exactly-once write); absent where not built (Oracle)
   */
  transaction?<T>(work: (tx: TxExecutor) => Promise<T>): Promise<T>;
}

/** statements inside a transaction (no commit of their own) */
export interface TxExecutor {
  run(stmt: Statement): Promise<ExecResult>;
  runBatch(plan: BatchPlan): Promise<number>;
}

/** a transaction's statements on one connection's `run`: a batch plan is its statements in turn */
export function statementsOn(run: (stmt: Statement) => Promise<ExecResult>, db: string): TxExecutor {
  return {
    run,
    async runBatch(plan) {
      if (plan.kind === 'single') return (await run(plan)).affectedRows;
      if (plan.kind === 'many') throw new Error(`${db} has no array binding; plan with insertBatch/eachRow`);
      let affected = 0;
      for (const binds of plan.rows) affected += (await run({ sql: plan.sql, binds })).affectedRows;
      return affected;
    },
  };
}
