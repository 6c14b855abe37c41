/**
 * insert/upsert with bounded retries and a dead-letter table (issue 8, "dead letters and
 * bounded retries"). Errors are classed by write-errors.ts:
 * - transient (the database is down or busy): the same statement is tried again, waiting
 *   `backoffMs` doubled up to 30 s, for as long as the flow runs — never dead-lettered;
 * - record (a constraint or a value the database rejects): the batch, which wrote nothing
 *   (one statement: atomic), is written again row by row to find the rows at fault; each is
 *   tried `maxAttempts` times, then goes to the `deadLetter` table (or fails the run);
 * - other: the batch is tried `maxAttempts` times, then the run fails.
 * Each statement covers a known set of rows (one column set, within the dialect's limit), so
 * a retry never writes a row twice.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { NodeIO } from '../../server/engine/node-api.ts';
import type { Row } from './build-write.ts';
import { writeDeadLetters, type DeadLetterEntry, type DeadLetterOrigin } from './dead-letter.ts';
import type { BatchPlan, Dialect } from './dialect.ts';
import type { TxExecutor } from './executor.ts';
import type { SqlParams } from './params.ts';
import { batchesOf } from './rows-input.ts';
import { planFor, type WriteEntry, type WriteOrigin, type WriteResult } from './write-plan.ts';
import { classifyWriteError, errorCode, isTransient } from './write-errors.ts';

const MAX_WAIT_MS = 30_000;

/** consecutive entries with one column set, cut at the dialect's rows per statement: one statement each */
export function statementParts(d: Dialect, batch: WriteEntry[]): WriteEntry[][] {
  const parts: WriteEntry[][] = [];
  let sig = '';
  let limit = 0;
  for (const e of batch) {
    const keys = Object.keys(e.row);
    const s = [...keys].sort().join('\0');
    const last = parts[parts.length - 1];
    if (last && s === sig && last.length < limit) last.push(e);
    else {
      parts.push([e]);
      sig = s;
      limit = d.maxRowsPerStatement(keys.length);
    }
  }
  return parts;
}

export async function writeResilient(
  d: Dialect,
  exec: TxExecutor,
  p: SqlParams,
  entries: WriteEntry[],
  rejected: DeadLetterEntry[],
  io: NodeIO,
  origin: WriteOrigin,
  result: WriteResult,
): Promise<void> {
  const dlOrigin: DeadLetterOrigin = { ...origin, runId: io.runId, target: p.table! };
  if (p.deadLetter) result.deadLettered = 0;
  const backoff = (attempt: number): number => Math.min(p.backoffMs * 2 ** Math.min(attempt - 1, 20), MAX_WAIT_MS);

  /** `fn` again and again while the database is unreachable; other errors are thrown */
  const untilReachable = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let n = 1; ; n++) {
      try {
        return await fn();
      } catch (err) {
        const code = errorCode(err);
        if (!isTransient(code)) throw err;
        if (n === 1) io.trace(`database unreachable or busy (${code}): waiting for it; no record is dead-lettered for this`);
        await delay(Math.max(backoff(n), 100), undefined, { signal: io.signal });
      }
    }
  };

  const runPlans = async (plans: BatchPlan[]): Promise<void> => {
    for (const plan of plans) {
      result.affectedRows += await untilReachable(() => exec.runBatch(plan));
      result.batches++;
    }
  };

  const deadLetter = async (records: DeadLetterEntry[]): Promise<void> => {
    await untilReachable(() => writeDeadLetters(d, exec, p.deadLetter!.table, dlOrigin, records));
    result.deadLettered! += records.length;
    for (const r of records) io.trace(`dead-lettered after ${r.attempts} attempt(s): ${r.error}`);
  };

  const writeOne = async (e: WriteEntry): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await runPlans(planFor(d, p, [e.row]));
        return;
      } catch (err) {
        if (attempt >= p.maxAttempts) {
          if (p.deadLetter && classifyWriteError(err) === 'record') {
            const message = err instanceof Error ? err.message : String(err);
            const code = errorCode(err);
            await deadLetter([{ record: e.item, error: `${e.path}: ${message}`, ...(code ? { errorCode: code } : {}), attempts: attempt }]);
            return;
          }
          throw err;
        }
        await delay(backoff(attempt), undefined, { signal: io.signal });
      }
    }
  };

  const writePart = async (part: WriteEntry[]): Promise<void> => {
    if (part.length === 1) return writeOne(part[0]!);
    const rows: Row[] = part.map((e) => e.row);
    for (let attempt = 1; ; attempt++) {
      try {
        await runPlans(planFor(d, p, rows));
        return;
      } catch (err) {
        if (classifyWriteError(err) === 'record') {
          // the statement wrote nothing: find the rows at fault one by one
          for (const e of part) await writeOne(e);
          return;
        }
        if (attempt >= p.maxAttempts) throw err;
        await delay(backoff(attempt), undefined, { signal: io.signal });
      }
    }
  };

  result.rows += rejected.length;
  if (rejected.length > 0) await deadLetter(rejected);
  for (const batch of batchesOf(entries, p.batchSize)) {
    io.signal.throwIfAborted();
    result.rows += batch.length;
    for (const part of statementParts(d, batch)) await writePart(part);
  }
}
