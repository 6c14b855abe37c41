/**
 * A paged select: one page of rows by page number, as a data API's list endpoint answers it.
 * It reads one row more than the page to know whether a next page exists (no count needed for
 * `next`), and counts every matching row only when asked (`total`), concurrently with the page.
 * Output: payload = the page's rows, `msg.paging = {page, pageSize, total?, next}`.
 */
import type { Message } from '../../core/flow-types.ts';
import type { NodeIO } from '../../server/engine/node-api.ts';
import { COUNT_ALIAS, buildCount, buildSelect, type SelectQuery } from './build-read.ts';
import type { Dialect } from './dialect.ts';
import type { SqlExecutor } from './executor.ts';
import type { SqlParams } from './params.ts';

export interface PagingInfo { page: number; pageSize: number; total?: number; next: number | null }

export async function runPage(d: Dialect, exec: SqlExecutor, p: SqlParams, msg: Message, io: NodeIO): Promise<void> {
  const { page, size, total } = p.paging!;
  const q: SelectQuery = {
    table: p.table!,
    fields: p.fields,
    ...(p.where !== undefined ? { where: p.where } : {}),
    binds: p.binds,
    orderBy: p.orderBy,
  };
  // one text per endpoint, run per request: kept prepared where the driver can (PostgreSQL)
  const [read, counted] = await Promise.all([
    exec.run({ ...buildSelect(d, { ...q, limit: size + 1, offset: (page - 1) * size }), prepared: true }),
    total ? exec.run({ ...buildCount(d, q), prepared: true }) : undefined,
  ]);
  const rows = read.rows ?? [];
  const more = rows.length > size;
  if (more) rows.length = size;
  const paging: PagingInfo = { page, pageSize: size, next: more ? page + 1 : null };
  // a count is below 2^53 in any table we can page through: a number, whatever the driver gives
  if (counted) paging.total = Number(counted.rows?.[0]?.[COUNT_ALIAS] ?? 0);
  io.trace(`page ${page}: ${rows.length} row(s)${paging.total !== undefined ? ` of ${paging.total}` : ''}`);
  io.send({ ...msg, payload: rows, paging });
}
