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
import { NodeError, type NodeIO, type NodeRuntime } from '../../server/engine/node-api.ts';
import { buildSql, isQuery } from './build-read.ts';
import type { Dialect } from './dialect.ts';
import type { SqlExecutor } from './executor.ts';
import { failureKindOf } from './failure-kind.ts';
import { SqlParamError } from './identifiers.ts';
import { readParams } from './params.ts';
import { RecordError } from './rows-input.ts';
import { errorCode, isTransient } from './write-errors.ts';
import type { SqlNodeParams } from './spec-base.ts';
import { runPage } from './page-action.ts';
import { emitQuery, runSelect } from './read-action.ts';
import { runWrite, type WriteOrigin } from './write-action.ts';
import { runExactlyOnce } from './exactly-once.ts';

export interface SqlBackend<C> {
  type: 'mysql' | 'postgres' | 'oracle';
  dialect: Dialect;
  executor(client: C): SqlExecutor;
}

export function toNodeError(err: unknown, connectionLabel: string): NodeError {
  if (err instanceof NodeError) return err;
  if (err instanceof SqlParamError) return new NodeError(err.message, 'INVALID_PARAMS', false, 'invalid');
  if (err instanceof RecordError) return new NodeError(err.message, err.code, false, 'invalid');
  const message = err instanceof Error ? err.message || err.name : String(err);
  const code = errorCode(err);
  return new NodeError(`${connectionLabel}: ${message}`, code, isTransient(code), failureKindOf(code));
}

export function sqlRuntime<C>(backend: SqlBackend<C>): NodeRuntime<SqlNodeParams> {
  const d = backend.dialect;
  return {
    type: backend.type,
    async create(ctx) {
      const lease = await ctx.connections.acquire<C>(ctx.params.connection, backend.type);
      const exec = backend.executor(lease.client);
      const label = `${backend.type} connection "${lease.profile.name}"`;
      const gateKey = `${ctx.flowId}/${ctx.node.id}`;
      return {
        async onMessage(msg: Message, io: NodeIO<SqlNodeParams>): Promise<void> {
          try {
            await handle(d, exec, msg, io, { flowId: ctx.flowId, nodeId: ctx.node.id }, gateKey);
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

async function handle(d: Dialect, exec: SqlExecutor, msg: Message, io: NodeIO<SqlNodeParams>, origin: WriteOrigin, gateKey: string): Promise<void> {
  const p = readParams(io.params, d.maxIdentLength);
  switch (p.action) {
    case 'select':
      if (p.paging) await runPage(d, exec, p, msg, io);
      else await runSelect(d, exec, p, msg, io, gateKey);
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
      const result = p.exactlyOnce ? await runExactlyOnce(d, exec, p, msg, io) : await runWrite(d, exec, p, msg, io, origin);
      const skipped = 'skipped' in result ? `, ${result.skipped} already written (exactly once)` : '';
      const dead = result.deadLettered === undefined ? '' : `, ${result.deadLettered} dead-lettered`;
      io.trace(`${result.rows} row(s), ${result.affectedRows} affected, ${result.batches} round trip(s)${skipped}${dead}`);
      io.send({ ...msg, payload: result });
    }
  }
}
