/**
 * insert / upsert / update / delete. Rows come from the payload (see rows-input.ts) and are
 * written `batchSize` at a time, one round trip per batch (multi-row VALUES, executeMany, an
 * IN list; update by keys runs one statement per row inside one transaction on MySQL and
 * PostgreSQL). Each batch commits on its own, so a failure leaves earlier batches written:
 * upsert makes a rerun safe.
 *
 * Every row is made and checked (required columns) before the first is written. With
 * `maxAttempts` > 1 or a `deadLetter` table, insert/upsert write resiliently (write-resilient.ts).
 */
import type { Message } from '../../core/flow-types.ts';
import type { NodeIO } from '../../server/engine/node-api.ts';
import { buildDeleteWhere, buildUpdateWhere } from './build-write.ts';
import type { DeadLetterEntry } from './dead-letter.ts';
import type { BatchPlan, Dialect, Statement } from './dialect.ts';
import type { TxExecutor } from './executor.ts';
import type { SqlParams } from './params.ts';
import { RecordError, batchesOf, checkRequired, notARecord, payloadItems, rowFor } from './rows-input.ts';
import { isPlainObject } from './values.ts';
import { writeResilient } from './write-resilient.ts';
import { planFor, type WriteEntry, type WriteOrigin, type WriteResult } from './write-plan.ts';

export type { WriteOrigin, WriteResult } from './write-plan.ts';

export async function runWrite(d: Dialect, exec: TxExecutor, p: SqlParams, msg: Message, io: NodeIO, origin?: WriteOrigin): Promise<WriteResult> {
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
    let stmt: Statement;
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
  // a record lacking a required field fails the run, or is dead-lettered when there is a table for it
  const rejected: DeadLetterEntry[] = [];
  const entries: WriteEntry[] = [];
  for (const { item, path } of items) {
    try {
      if (p.values === undefined && p.required.length > 0 && !isPlainObject(item)) throw notARecord(item, path, p.required);
      const row = rowFor(item, path, p.values, msg, evaluate, d.maxIdentLength);
      if (p.action !== 'delete') checkRequired(row, path, p.required);
      entries.push({ row, item, path });
    } catch (err) {
      if (!(err instanceof RecordError) || !p.deadLetter) throw err;
      rejected.push({ record: item, error: err.message, errorCode: err.code, attempts: 1 });
    }
  }

  if (p.maxAttempts > 1 || p.deadLetter) {
    await writeResilient(d, exec, p, entries, rejected, io, origin ?? { flowId: '', nodeId: '' }, result);
    return result;
  }
  for (const batch of batchesOf(entries, p.batchSize)) {
    io.signal.throwIfAborted();
    result.rows += batch.length;
    await run(planFor(d, p, batch.map((e) => e.row)));
  }
  return result;
}
