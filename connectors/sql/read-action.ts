/**
 * Emitting query results. A result that fits in one page goes out as one message
 * `{payload: rows}`; a larger one goes page by page through `sendScoped`, each page finishing
 * downstream before the next is read from the cursor, so memory stays bounded whatever the
 * row count. Incremental selects stage the watermark (the largest column value read) once
 * every page was read and handled, as the exact text the database gave for it.
 */
import type { Message } from '../../core/flow-types.ts';
import { NodeError, type NodeIO } from '../../server/engine/node-api.ts';
import { WATERMARK_ALIAS, buildSelect } from './build-read.ts';
import type { Dialect, Statement } from './dialect.ts';
import type { DbRow, SqlExecutor } from './executor.ts';
import type { SqlParams } from './params.ts';

export const WATERMARK_KEY = 'watermark';

/** Takes the watermark text off every row; keeps the last non-null one (rows ascend). */
class WatermarkTracker {
  value: string | undefined;

  see(rows: DbRow[]): void {
    for (const row of rows) {
      const v = row[WATERMARK_ALIAS];
      delete row[WATERMARK_ALIAS];
      if (v !== null && v !== undefined) this.value = String(v);
    }
  }
}

/** Sends the rows of `stmt` (one message, or pages); calls `onPage` for every page read. */
export async function emitQuery(
  exec: SqlExecutor,
  stmt: Statement,
  pageSize: number,
  msg: Message,
  io: NodeIO,
  onPage?: (rows: DbRow[]) => void,
): Promise<{ rows: number; pages: number }> {
  const cursor = await exec.openCursor(stmt, pageSize);
  let reading: Promise<DbRow[]> | undefined;
  try {
    let current = await cursor.read();
    onPage?.(current);
    let next = current.length < pageSize ? [] : await cursor.read();
    if (next.length === 0) {
      io.send({ ...msg, payload: current });
      return { rows: current.length, pages: 1 };
    }
    let page = 0;
    let total = 0;
    while (current.length > 0) {
      io.signal.throwIfAborted();
      // read ahead: the page after next is fetched while this one is handled downstream
      // (at most three pages are held: bounded memory, overlapped I/O)
      const following: Promise<DbRow[]> = next.length < pageSize ? Promise.resolve([]) : cursor.read();
      following.catch(() => undefined);
      reading = following;
      const outcome = await io.sendScoped({ ...msg, payload: current, page }, 'out', page);
      if (outcome.failed)
        throw new NodeError(`stopped reading after page ${page}: ${outcome.errors.join('; ') || 'downstream failed'}`, 'PAGE_FAILED', false);
      total += current.length;
      page++;
      current = next;
      onPage?.(current);
      next = await following;
      reading = undefined;
    }
    return { rows: total, pages: page };
  } finally {
    // a read ahead still running is let finish before the cursor closes
    if (reading) await reading.catch(() => undefined);
    await cursor.close();
  }
}

export async function runSelect(d: Dialect, exec: SqlExecutor, p: SqlParams, msg: Message, io: NodeIO): Promise<void> {
  const inc = p.incremental;
  let after: unknown;
  if (inc) {
    const stored = io.state.get(WATERMARK_KEY);
    after = stored !== undefined && stored !== null ? stored : inc.initial;
  }
  const stmt = buildSelect(d, {
    table: p.table!,
    fields: p.fields,
    ...(p.where !== undefined ? { where: p.where } : {}),
    binds: p.binds,
    orderBy: p.orderBy,
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    ...(inc ? { incremental: { column: inc.column, after } } : {}),
  });
  const tracker = inc ? new WatermarkTracker() : undefined;
  const { rows, pages } = await emitQuery(exec, stmt, p.pageSize, msg, io, tracker && ((r) => tracker.see(r)));
  io.trace(`${rows} row(s)${pages > 1 ? ` in ${pages} pages` : ''}`);
  if (tracker && tracker.value !== undefined) {
    io.state.set(WATERMARK_KEY, tracker.value);
    io.trace(`watermark ${tracker.value} staged`);
  }
}
