/**
 * Emitting query results. A result that fits in one page goes out as one message
 * `{payload: rows}`; a larger one goes page by page through `sendScoped`, each page finishing
 * downstream before the next is read from the cursor, so memory stays bounded whatever the
 * row count.
 *
 * Incremental selects (SPEC §11): one read per node at a time (read-gate.ts); every page,
 * also a single one, is sent scoped and its position — the exact text of the last row's
 * column (and key) — committed as the watermark once the page was handled downstream, so a
 * crash repeats at most the page being written and a failure keeps the last good page's.
 */
import type { Message } from '../../core/flow-types.ts';
import { NodeError, type NodeIO, type ScopeOutcome } from '../../server/engine/node-api.ts';
import { WATERMARK_ALIAS, WATERMARK_KEY_ALIAS, buildSelect } from './build-read.ts';
import type { Dialect, Statement } from './dialect.ts';
import type { DbRow, SqlExecutor } from './executor.ts';
import { startPosition, storedPosition, type Position } from './incremental.ts';
import type { SqlParams } from './params.ts';
import { enterRead } from './read-gate.ts';

export const WATERMARK_KEY = 'watermark';

/**
 * Where pages of an incremental read stand, and how their watermark is committed. Each page
 * message carries `watermark: {stream, positions}` (a position per row), what an exactly-once
 * write needs (exactly-once.ts).
 */
interface Checkpoints {
  /** names the read: flow and node */
  stream: string;
  /** the rows up to `position` were handled downstream */
  commit(position: Position): Promise<void>;
}

/** the message field of an incremental read's page */
export interface PageWatermark {
  stream: string;
  positions: (Position | undefined)[];
}

/** where each row of a page stands (undefined for a row whose column is NULL); the helper columns are removed */
function rowPositions(rows: DbRow[]): (Position | undefined)[] {
  return rows.map((row) => {
    const v = row[WATERMARK_ALIAS];
    const k = row[WATERMARK_KEY_ALIAS];
    delete row[WATERMARK_ALIAS];
    delete row[WATERMARK_KEY_ALIAS];
    if (v === null || v === undefined) return undefined;
    return k === null || k === undefined ? { column: String(v) } : { column: String(v), key: String(k) };
  });
}

/** the last row's position that is known (rows ascend) */
function lastPosition(positions: (Position | undefined)[]): Position | undefined {
  for (let i = positions.length - 1; i >= 0; i--) if (positions[i]) return positions[i];
  return undefined;
}

/**
 * The page failed downstream: its scope saw a failure, or the run halted (a failure inside a
 * loop's iteration fails the run without failing the page's scope)
 */
function pageFailed(page: number, outcome: ScopeOutcome, io: NodeIO): NodeError | undefined {
  if (!outcome.failed && !io.signal.aborted) return undefined;
  const why = outcome.errors.join('; ') || (io.signal.aborted ? 'the run failed downstream' : 'downstream failed');
  return new NodeError(`stopped reading after page ${page}: ${why}`, 'PAGE_FAILED', false);
}

/** Sends the rows of `stmt` (one message, or pages); with `checkpoints`, commits each page's position once it was handled. */
export async function emitQuery(
  exec: SqlExecutor,
  stmt: Statement,
  pageSize: number,
  msg: Message,
  io: NodeIO,
  checkpoints?: Checkpoints,
): Promise<{ rows: number; pages: number }> {
  const cursor = await exec.openCursor(stmt, pageSize);
  let reading: Promise<DbRow[]> | undefined;
  try {
    let current = await cursor.read();
    let positions = checkpoints && rowPositions(current);
    const pageMsg = (rows: DbRow[], extra: Record<string, unknown> = {}): Message => {
      const out: Message = { ...msg, payload: rows, ...extra };
      if (checkpoints && positions) out['watermark'] = { stream: checkpoints.stream, positions } satisfies PageWatermark;
      return out;
    };
    let next = current.length < pageSize ? [] : await cursor.read();
    if (next.length === 0) {
      if (!checkpoints) {
        io.send({ ...msg, payload: current });
        return { rows: current.length, pages: 1 };
      }
      // one message as without a checkpoint, but awaited: the watermark moves once its rows were handled
      const failure = pageFailed(0, await io.sendScoped(pageMsg(current), 'out', 0), io);
      if (failure) throw failure;
      const position = lastPosition(positions!);
      if (position) await checkpoints.commit(position);
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
      const failure = pageFailed(page, await io.sendScoped(pageMsg(current, { page }), 'out', page), io);
      if (failure) throw failure;
      const position = positions && lastPosition(positions);
      if (checkpoints && position) await checkpoints.commit(position);
      total += current.length;
      page++;
      current = next;
      positions = checkpoints && rowPositions(current);
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

/**
 * A select; an incremental one waits for (or skips, see read-gate.ts) a read of the same node
 * still in progress in another run. `gateKey` names the node (flow and node id).
 */
export async function runSelect(d: Dialect, exec: SqlExecutor, p: SqlParams, msg: Message, io: NodeIO, gateKey: string): Promise<void> {
  const inc = p.incremental;
  const query = {
    table: p.table!,
    fields: p.fields,
    ...(p.where !== undefined ? { where: p.where } : {}),
    binds: p.binds,
    orderBy: p.orderBy,
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
  };
  if (!inc) {
    const { rows, pages } = await emitQuery(exec, buildSelect(d, query), p.pageSize, msg, io);
    io.trace(`${rows} row(s)${pages > 1 ? ` in ${pages} pages` : ''}`);
    return;
  }
  const release = await enterRead(gateKey, io.runId, io.signal);
  if (!release) {
    const reason = 'an earlier run of this incremental read is still reading, and another run waits for it';
    if (!io.skipRun) throw new NodeError(reason, 'READ_BUSY', false);
    io.skipRun(reason);
    return;
  }
  try {
    // read only now: the run before this one may have moved the watermark while this one waited
    const after = startPosition(io.state.get(WATERMARK_KEY), inc);
    const stmt = buildSelect(d, {
      ...query,
      incremental: { column: inc.column, mode: inc.mode, delayMs: inc.delayMs, ...(inc.key !== undefined ? { key: inc.key } : {}), ...(after ? { after } : {}) },
    });
    let last: Position | undefined;
    let commits = 0;
    const checkpoints: Checkpoints = {
      stream: gateKey,
      commit: async (position) => {
        const stored = storedPosition(position);
        if (io.checkpoint) await io.checkpoint(WATERMARK_KEY, stored);
        else io.state.set(WATERMARK_KEY, stored);
        last = position;
        commits++;
      },
    };
    const { rows, pages } = await emitQuery(exec, stmt, p.pageSize, msg, io, checkpoints);
    io.trace(`${rows} row(s)${pages > 1 ? ` in ${pages} pages` : ''}`);
    if (last) io.trace(`watermark ${JSON.stringify(storedPosition(last))} committed (${commits} checkpoint(s))`);
  } finally {
    release();
  }
}
