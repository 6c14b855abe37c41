/**
 * The exactly-once write (`exactlyOnce: true` on insert/upsert, MySQL/MariaDB and PostgreSQL
 * targets): a page of an incremental select is written in ONE target transaction together with
 * the source position it reached, kept in the target's own table `tributary_offsets` (one row
 * per source read: flow id / select node id). Rows at or below the stored position are left
 * out inside that transaction, so a page read again — after kill -9 between the target's
 * commit and the engine's checkpoint, or with the engine's watermark lost — is never written
 * twice, even by a plain insert.
 *
 * Positions compare component by component (column, then key): numerically when both are
 * numbers, else as text (the exact text the source database gives, e.g. `2025-01-01
 * 12:00:00.123456`, orders correctly as text within one source).
 */
import type { Message } from '../../core/flow-types.ts';
import { NodeError, type NodeIO } from '../../server/engine/node-api.ts';
import type { Dialect } from './dialect.ts';
import type { SqlExecutor, TxExecutor } from './executor.ts';
import type { Position } from './incremental.ts';
import type { SqlParams } from './params.ts';
import type { PageWatermark } from './read-action.ts';
import { runWrite, type WriteResult } from './write-action.ts';

export const OFFSETS_TABLE = 'tributary_offsets';

const NUMBER = /^-?\d+(\.\d+)?$/;

function compareNumbers(a: string, b: string): number {
  const [ai, af = ''] = a.replace('-', '').split('.');
  const [bi, bf = ''] = b.replace('-', '').split('.');
  const sign = a.startsWith('-') ? -1 : 1;
  if (a.startsWith('-') !== b.startsWith('-')) return sign;
  const whole = BigInt(ai!) - BigInt(bi!);
  if (whole !== 0n) return whole > 0n ? sign : -sign;
  const len = Math.max(af.length, bf.length);
  const fa = af.padEnd(len, '0');
  const fb = bf.padEnd(len, '0');
  return fa === fb ? 0 : fa > fb ? sign : -sign;
}

function compareText(a: string, b: string): number {
  if (NUMBER.test(a) && NUMBER.test(b)) return compareNumbers(a, b);
  return a === b ? 0 : a > b ? 1 : -1;
}

/** < 0, 0, > 0 as `a` stands before, at or after `b` in the read's (column, key) order */
export function comparePositions(a: Position, b: Position): number {
  const c = compareText(a.column, b.column);
  if (c !== 0 || a.key === undefined || b.key === undefined) return c;
  return compareText(a.key, b.key);
}

function pageWatermark(msg: Message): PageWatermark {
  const w = (msg as { watermark?: unknown }).watermark as Partial<PageWatermark> | undefined;
  if (!w || typeof w.stream !== 'string' || !Array.isArray(w.positions) || !Array.isArray(msg.payload) || w.positions.length !== msg.payload.length)
    throw new NodeError(
      'params.exactlyOnce: the message carries no source positions; connect this node straight to an incremental select (its pages of rows), not through a loop or a node that changes the rows',
      'INVALID_PARAMS',
      false,
    );
  return w as PageWatermark;
}

const ensured = new WeakSet<object>();

/** `tributary_offsets` in the target, created once per executor */
async function ensureOffsetsTable(d: Dialect, exec: SqlExecutor): Promise<void> {
  if (ensured.has(exec)) return;
  await exec.run({
    sql: `CREATE TABLE IF NOT EXISTS ${d.quoteIdent(OFFSETS_TABLE)} (${d.quoteIdent('stream')} VARCHAR(255) NOT NULL PRIMARY KEY, ${d.quoteIdent('position')} TEXT NOT NULL)`,
    binds: [],
  });
  ensured.add(exec);
}

async function storedPosition(d: Dialect, tx: TxExecutor, stream: string): Promise<Position | undefined> {
  const sql = `SELECT ${d.quoteIdent('position')} AS p FROM ${d.quoteIdent(OFFSETS_TABLE)} WHERE ${d.quoteIdent('stream')} = ${d.placeholder(1)} FOR UPDATE`;
  const rows = (await tx.run({ sql, binds: [stream] })).rows ?? [];
  const text = rows[0]?.['p'];
  return typeof text === 'string' ? (JSON.parse(text) as Position) : undefined;
}

export interface ExactlyOnceResult extends WriteResult {
  /** rows left out: already written by an earlier transaction */
  skipped: number;
}

/** Writes a page's rows past the target's stored position, and the new position, in one transaction. */
export async function runExactlyOnce(d: Dialect, exec: SqlExecutor, p: SqlParams, msg: Message, io: NodeIO): Promise<ExactlyOnceResult> {
  if (!exec.transaction) throw new NodeError(`params.exactlyOnce: not available for ${d.name} targets yet`, 'INVALID_PARAMS', false);
  const mark = pageWatermark(msg);
  await ensureOffsetsTable(d, exec);
  return exec.transaction(async (tx) => {
    const stored = await storedPosition(d, tx, mark.stream);
    const rows = msg.payload as unknown[];
    const fresh: unknown[] = [];
    let last: Position | undefined;
    rows.forEach((row, i) => {
      const at = mark.positions[i];
      if (at && stored && comparePositions(at, stored) <= 0) return;
      fresh.push(row);
      if (at) last = at;
    });
    const result = await runWrite(d, tx, p, { ...msg, payload: fresh }, io);
    if (last) {
      const plan = d.upsertBatch(d.quoteIdent(OFFSETS_TABLE), ['stream', 'position'], ['stream'], [[mark.stream, JSON.stringify(last)]]);
      await tx.runBatch(plan);
    }
    return { ...result, skipped: rows.length - fresh.length };
  });
}
