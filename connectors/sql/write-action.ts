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
import { batchesOf, checkRequired, notARecord, payloadItems, rowFor } from './rows-input.ts';
import { isPlainObject } from './values.ts';

export interface WriteResult {
  /** rows taken from the payload */
  rows: number;
  /** as the database counts them (MySQL counts an upsert that updates as 2) */
  affectedRows: number;
  /** round trips */
  batches: number;
}

export async function runWrite(d: Dialect, exec: SqlExecutor, p: SqlParams, msg: Message, io: NodeIO): Promise<WriteResult> {
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
    let stmt;
    if (p.action === 'update') {
      const row = rowFor(msg.payload, 'payload', p.values, msg, io.evaluate.bind(io), d.maxIdentLength);
      checkRequired(row, 'payload', p.required);
      stmt = buildUpdateWhere(d, table, row, p.where!, binds);
    } else stmt = buildDeleteWhere(d, table, p.where!, binds);
    await run([{ kind: 'single', sql: stmt.sql, binds: stmt.binds }]);
    result.rows = result.affectedRows;
    return result;
  }

  const items = payloadItems(msg.payload, p.values !== undefined || p.required.length > 0);
  const evaluate = io.evaluate.bind(io);
  // every row is made and checked before the first is written: a bad record writes nothing
  const all: Row[] = items.map(({ item, path }) => {
    if (p.values === undefined && p.required.length > 0 && !isPlainObject(item)) throw notARecord(item, path, p.required);
    const row = rowFor(item, path, p.values, msg, evaluate, d.maxIdentLength);
    if (p.action !== 'delete') checkRequired(row, path, p.required);
    return row;
  });
  for (const rows of batchesOf(all, p.batchSize)) {
    io.signal.throwIfAborted();
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
