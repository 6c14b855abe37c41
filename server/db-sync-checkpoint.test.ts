/**
 * Issue 8 finding 2: kill -9 during a loop/insert sync must repeat at most one page, not the
 * whole run. The seed's shape in the real server process: timer (parallel, every second) →
 * MariaDB select (incremental on id, pages of 100, no limit: one run covers the table) → loop
 * → PostgreSQL plain insert into a table without a key (a repeated row shows as a second
 * row). SIGKILL mid-run, start again: no id lost, at most one page written twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, syncConnections, syncTables, until } from './server-process.test-support.ts';

const SUFFIX = `${process.pid}_${Date.now() % 100000}`;
const SRC = `ckpt_src_${SUFFIX}`;
const DST = `ckpt_dst_${SUFFIX}`;
const ROWS = 5000;
const PAGE = 100;

test('SIGKILL mid-sync with plain insert: nothing lost, at most one page repeated', { timeout: 150_000 }, async (t) => {
  const server = await ServerProcess.create();
  const db = await syncTables(SRC, DST, ROWS);
  const counts = db.counts;
  try {
    await server.start();
    const conns = await syncConnections(server, 'ckpt');
    const flow = await server.api('/api/flows', {
      name: 'checkpoint sync',
      nodes: [
        { id: 'tick', type: 'timer', params: { unit: 'second', interval: 1, taskMode: 'parallel', runImmediately: true } },
        { id: 'sel', type: 'mysql', params: { connection: conns.source, action: 'select', table: SRC, incremental: { column: 'id' }, pageSize: PAGE } },
        { id: 'each', type: 'loop', params: {} },
        { id: 'put', type: 'postgres', params: { connection: conns.target, action: 'insert', table: DST, values: { id: '${each|payload.id}', v: '${each|payload.v}' } } },
      ],
      edges: [
        { source: 'tick', target: 'sel' },
        { source: 'sel', target: 'each' },
        { source: 'each', sourcePort: 'each', target: 'put' },
      ],
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    const flowId = flow.body.id as string;
    assert.equal((await server.api(`/api/flows/${flowId}/start`, {})).body.state, 'running');

    // killed mid-page, well into the one run that covers the table
    await until(counts, (c) => c.rows >= 8 * PAGE && c.rows % PAGE >= 10 && c.rows % PAGE <= 90, 60_000, 'a run in the middle of a page');
    assert.equal(await server.kill('SIGKILL'), 'SIGKILL');
    const atKill = await counts();
    const committed = Number(server.nodeState(flowId, 'sel', 'watermark') ?? 0);
    assert.ok(atKill.rows < ROWS, `killed with ${atKill.rows} of ${ROWS} rows written`);
    assert.equal(committed % PAGE, 0, 'the watermark stands at a page boundary');
    assert.ok(atKill.rows - committed > 0 && atKill.rows - committed <= PAGE, `rows written ${atKill.rows}, watermark ${committed}: less than a page apart`);
    t.diagnostic(`killed with ${atKill.rows} rows written, committed watermark ${committed}`);

    await server.start();
    const end = await until(counts, (c) => c.ids >= ROWS, 90_000, 'every id in the target');
    await server.api(`/api/flows/${flowId}/stop`, {});
    const final = await counts();
    assert.equal(final.ids, ROWS, 'no id lost');
    assert.ok(final.rows - ROWS <= PAGE, `${final.rows - ROWS} rows written twice (at most one page: ${PAGE})`);
    assert.equal(final.rows - ROWS, atKill.rows - committed, 'exactly the rows of the page cut by the kill were written again');
    assert.equal(server.nodeState(flowId, 'sel', 'watermark'), String(ROWS));
    t.diagnostic(`after restart: ${final.rows} rows for ${end.ids} ids (${final.rows - ROWS} repeated)`);
  } finally {
    await server.dispose();
    await db.drop();
  }
});
