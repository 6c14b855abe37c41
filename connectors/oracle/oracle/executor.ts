/**
 * Runs the SQL layer's statements on an oracledb (Thin) pool: one pooled connection per
 * statement, autoCommit, executeMany for batches, a result set for large queries.
 */
import { fetchTypeHandler, oracledb, withConnection, type OracleDbType, type OraclePool } from '../driver.ts';
import type { BatchPlan, BindType, Statement } from '../../sql/dialect.ts';
import type { DbRow, ExecResult, RowCursor, SqlExecutor } from '../../sql/executor.ts';
import { isPlainObject } from '../../sql/values.ts';

const BIND_TYPES: readonly BindType[] = ['NUMBER', 'VARCHAR', 'CLOB', 'RAW', 'BLOB', 'TIMESTAMP_TZ'];

function dbType(t: BindType): OracleDbType {
  const db = oracledb();
  switch (t) {
    case 'NUMBER':
      return db.DB_TYPE_NUMBER;
    case 'VARCHAR':
      return db.DB_TYPE_VARCHAR;
    case 'CLOB':
      return db.DB_TYPE_CLOB;
    case 'RAW':
      return db.DB_TYPE_RAW;
    case 'BLOB':
      return db.DB_TYPE_BLOB;
    case 'TIMESTAMP_TZ':
      return db.DB_TYPE_TIMESTAMP_TZ;
  }
}

/** the dialect's `{type: 'TIMESTAMP_TZ', val}` → oracledb's `{type: DB_TYPE_TIMESTAMP_TZ, val}` */
export function driverBind(v: unknown): unknown {
  if (isPlainObject(v) && Object.keys(v).length === 2 && 'val' in v && BIND_TYPES.includes(v['type'] as BindType))
    return { type: dbType(v['type'] as BindType), val: v['val'] };
  return v;
}

export function oracleExecutor(pool: OraclePool): SqlExecutor {
  const queryOptions = () => ({ outFormat: oracledb().OUT_FORMAT_OBJECT, fetchTypeHandler, autoCommit: true });

  const run = (stmt: Statement): Promise<ExecResult> =>
    withConnection(pool, async (c) => {
      const r = await c.execute(stmt.sql, stmt.binds.map(driverBind), queryOptions());
      return r.rows ? { rows: r.rows, affectedRows: r.rowsAffected ?? 0 } : { affectedRows: r.rowsAffected ?? 0 };
    });

  return {
    run,

    async runBatch(plan: BatchPlan): Promise<number> {
      if (plan.kind === 'single') return (await run(plan)).affectedRows;
      if (plan.rows.length === 0) return 0;
      return withConnection(pool, async (c) => {
        if (plan.kind === 'many') {
          const bindDefs = plan.bindDefs.map((b) => (b.maxSize === undefined ? { type: dbType(b.type) } : { type: dbType(b.type), maxSize: b.maxSize }));
          const r = await c.executeMany(plan.sql, plan.rows, { bindDefs, autoCommit: true });
          return r.rowsAffected ?? 0;
        }
        let affected = 0;
        try {
          for (const binds of plan.rows) affected += (await c.execute(plan.sql, binds.map(driverBind), { autoCommit: false })).rowsAffected ?? 0;
          await c.commit();
        } catch (err) {
          await c.rollback().catch(() => undefined);
          throw err;
        }
        return affected;
      });
    },

    async openCursor(stmt: Statement, pageSize: number): Promise<RowCursor> {
      const conn = await pool.getConnection();
      let rs;
      try {
        const r = await conn.execute(stmt.sql, stmt.binds.map(driverBind), {
          ...queryOptions(),
          resultSet: true,
          fetchArraySize: Math.min(pageSize, 1000),
        });
        rs = r.resultSet;
        if (!rs) {
          // not a query after all: hand back its rows, if any, in one page
          const rows = r.rows ?? [];
          await conn.close();
          let given = false;
          return {
            read: async () => (given ? [] : ((given = true), rows)),
            close: async () => undefined,
          };
        }
      } catch (err) {
        await conn.close().catch(() => undefined);
        throw err;
      }
      const resultSet = rs;
      let closed = false;
      return {
        read: () => resultSet.getRows(pageSize) as Promise<DbRow[]>,
        async close(): Promise<void> {
          if (closed) return;
          closed = true;
          await resultSet.close().catch(() => undefined);
          await conn.close().catch(() => undefined);
        },
      };
    },
  };
}
