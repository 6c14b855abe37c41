/**
 * insert / upsert / update / delete. Rows come from the payload (see rows-input.ts) and are
 * written `batchSize` at a time, one round trip per batch (multi-row VALUES, executeMany, an
 * IN list; update by keys runs one statement per row inside one transaction on MySQL and
 * PostgreSQL). Each batch commits on its own, so a failure leaves earlier batches written:
 * upsert makes a rerun safe.
 */
import type { Message } from '../../core/flow-types.ts';
import type { NodeIO } from '../../server/engine/node-api.ts';
import { buildDeleteWhere, buildUpdateWhere, planDelete, planInsert, planUpdate, planUpsert, type Row } from './build-write.ts';
import type { BatchPlan, Dialect } from './dialect.ts';
import type { SqlExecutor } from './executor.ts';
import type { SqlParams } from './params.ts';
import { batchesOf, payloadItems, rowFor } from './rows-input.ts';

export interface WriteResult {
  /** rows taken from the payload */
  rows: number;
  /** as the database counts them (MySQL counts an upsert that updates as 2) */
  affectedRows: number;
  /** round trips */
  batches: number;
}

export async function runWrite(d: Dialect, exec: Pick<SqlExecutor, 'runBatch'>, p: SqlParams, msg: Message, io: NodeIO): Promise<WriteResult> {
  const table = p.table!;
  const result: WriteResult = { rows: 0, affectedRows: 0, batches: 0 };
  const run = async (plans: BatchPlan[]): Promise<void> => {
    for (const plan of plans) {
      result.affectedRows += await exec.runBatch(plan);
      result.batches++;
    }
  };

  if ((p.action === 'update' || p.action === 'delete') && p.keys.length === 0) {
    // by condition: one statement, values (update) taken from the message itself
    const binds = p.binds;
    const stmt =
      p.action === 'update'
        ? buildUpdateWhere(d, table, rowFor(msg.payload, 'payload', p.values, msg, io.evaluate.bind(io), d.maxIdentLength), p.where!, binds)
        : buildDeleteWhere(d, table, p.where!, binds);
    await run([{ kind: 'single', sql: stmt.sql, binds: stmt.binds }]);
    result.rows = result.affectedRows;
    return result;
  }

  const items = payloadItems(msg.payload, p.values !== undefined);
  const evaluate = io.evaluate.bind(io);
  for (const batch of batchesOf(items, p.batchSize)) {
    io.signal.throwIfAborted();
    const rows: Row[] = batch.map(({ item, path }) => rowFor(item, path, p.values, msg, evaluate, d.maxIdentLength));
    result.rows += rows.length;
    switch (p.action) {
      case 'insert':
        await run(planInsert(d, table, rows));
        break;
      case 'upsert':
        await run(planUpsert(d, table, p.keys, rows));
        break;
      case 'update':
        await run(planUpdate(d, table, p.keys, rows));
        break;
      case 'delete':
        await run(planDelete(d, table, p.keys, rows));
        break;
      default:
        throw new Error(`not a write action: ${p.action}`);
    }
  }
  return result;
}
