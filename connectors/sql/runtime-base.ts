/**
 * The node runtime shared by mysql, postgres and oracle: takes the connection lease when the
 * flow starts, reads params per message, runs the action, and turns failures into NodeErrors
 * that name the param, or the connection and the database's own message.
 *
 * Output: the incoming message with `payload` replaced — select: rows[] (or pages, see
 * read-action.ts); insert/upsert/update/delete: `{rows, affectedRows, batches}`; sql: rows[]
 * for statements that return rows, else `{affectedRows}`.
 */
import type { Message } from '../../core/flow-types.ts';
import { errorMessage } from '../../core/guards.ts';
import { NodeError, type NodeIO, type NodeRuntime } from '../../server/engine/node-api.ts';
import { buildSql, isQuery } from './build-read.ts';
import type { Dialect } from './dialect.ts';
import type { SqlExecutor } from './executor.ts';
import { SqlParamError } from './identifiers.ts';
import { readParams } from './params.ts';
import type { SqlNodeParams } from './spec-base.ts';
import { emitQuery, runSelect } from './read-action.ts';
import { runWrite } from './write-action.ts';

export interface SqlBackend<C> {
  type: 'mysql' | 'postgres' | 'oracle';
  dialect: Dialect;
  executor(client: C): SqlExecutor;
}

/** driver error codes after which trying again may work (connection lost, deadlock…) */
const TRANSIENT =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|PROTOCOL_CONNECTION_LOST|ER_LOCK_DEADLOCK|ER_LOCK_WAIT_TIMEOUT|ER_CON_COUNT_ERROR|08\w{3}|57P0\d|40001|40P01|NJS-50\d|ORA-(03113|03114|03135|12170|12541|12514|00060))$/;

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; errorNum?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (typeof e.errorNum === 'number' && e.errorNum > 0) return `ORA-${String(e.errorNum).padStart(5, '0')}`;
  return undefined;
}

export function toNodeError(err: unknown, connectionLabel: string): NodeError {
  if (err instanceof NodeError) return err;
  if (err instanceof SqlParamError) return new NodeError(err.message, 'INVALID_PARAMS', false);
  const message = errorMessage(err);
  const code = codeOf(err);
  return new NodeError(`${connectionLabel}: ${message}`, code, code !== undefined && TRANSIENT.test(code));
}

export function sqlRuntime<C>(backend: SqlBackend<C>): NodeRuntime<SqlNodeParams> {
  const d = backend.dialect;
  return {
    type: backend.type,
    async create(ctx) {
      const lease = await ctx.connections.acquire<C>(ctx.params.connection, backend.type);
      const exec = backend.executor(lease.client);
      const label = `${backend.type} connection "${lease.profile.name}"`;
      return {
        async onMessage(msg: Message, io: NodeIO<SqlNodeParams>): Promise<void> {
          try {
            await handle(d, exec, msg, io);
          } catch (err) {
            throw toNodeError(err, label);
          }
        },
        async stop(): Promise<void> {
          await lease.release();
        },
      };
    },
  };
}

async function handle(d: Dialect, exec: SqlExecutor, msg: Message, io: NodeIO<SqlNodeParams>): Promise<void> {
  const p = readParams(io.params, d.maxIdentLength);
  switch (p.action) {
    case 'select':
      await runSelect(d, exec, p, msg, io);
      return;
    case 'sql': {
      const stmt = buildSql(d, p.sql!, p.binds);
      if (isQuery(stmt.sql)) {
        await emitQuery(exec, stmt, p.pageSize, msg, io);
        return;
      }
      const r = await exec.run(stmt);
      io.send({ ...msg, payload: r.rows ?? { affectedRows: r.affectedRows } });
      return;
    }
    default: {
      const result = await runWrite(d, exec, p, msg, io);
      io.trace(`${result.rows} row(s), ${result.affectedRows} affected, ${result.batches} round trip(s)`);
      io.send({ ...msg, payload: result });
    }
  }
}
