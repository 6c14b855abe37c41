/**
 * Issue 8, deliver 2 (exactly-once for database targets): a sync with plain insert and
 * `exactlyOnce` commits each page and its source position in one PostgreSQL transaction
 * (table tributary_offsets). SIGKILL mid-sync, then even the engine's own watermark wiped
 * (the worst case: the whole table is read again): every id arrives exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ServerProcess, syncConnections, syncTables, until } from './server-process.test-support.ts';

const SUFFIX = `${process.pid}_${Date.now() % 100000}`;
const SRC = `eo_src_${SUFFIX}`;
const DST = `eo_dst_${SUFFIX}`;
const SLOW = `eo_slow_${SUFFIX}`;
const ROWS = 5000;
const PAGE = 100;

test('SIGKILL mid-sync with exactlyOnce plain insert, engine watermark lost: 0 lost, 0 duplicated', { timeout: 150_000 }, async (t) => {
  const server = await ServerProcess.create();
  const db = await syncTables(SRC, DST, ROWS);
  const counts = db.counts;
  let flowId = '';
  try {
    await db.pgc.query(`CREATE FUNCTION ${SLOW}() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.001); RETURN NEW; END $$ LANGUAGE plpgsql`);
    await db.pgc.query(`CREATE TRIGGER ${SLOW} BEFORE INSERT ON ${DST} FOR EACH ROW EXECUTE FUNCTION ${SLOW}()`);

    await server.start();
    const conns = await syncConnections(server, 'eo');
    const flow = await server.api('/api/flows', {
      name: 'exactly-once sync',
      nodes: [
        { id: 'tick', type: 'timer', params: { unit: 'second', interval: 1, taskMode: 'parallel', runImmediately: true } },
        { id: 'sel', type: 'mysql', params: { connection: conns.source, action: 'select', table: SRC, incremental: { column: 'id' }, pageSize: PAGE } },
        { id: 'put', type: 'postgres', params: { connection: conns.target, action: 'insert', table: DST, exactlyOnce: true } },
      ],
      edges: [
        { source: 'tick', target: 'sel' },
        { source: 'sel', target: 'put' },
      ],
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    flowId = flow.body.id as string;
    assert.equal((await server.api(`/api/flows/${flowId}/start`, {})).body.state, 'running');

    await until(counts, (c) => c.rows >= 8 * PAGE, 60_000, 'a run well under way');
    assert.equal(await server.kill('SIGKILL'), 'SIGKILL');
    const atKill = await counts();
    assert.ok(atKill.rows < ROWS, `killed with ${atKill.rows} of ${ROWS} rows written`);
    assert.equal(atKill.rows, atKill.ids);
    // the worst case: the engine forgets where it was and reads the whole table again
    const store = new Database(join(server.dataDir, 'tributary.db'));
    const wiped = store.prepare('DELETE FROM node_state WHERE flow_id = ? AND node_id = ? AND key = ?').run(flowId, 'sel', 'watermark').changes;
    store.close();
    t.diagnostic(`killed with ${atKill.rows} rows written; engine watermark wiped (${wiped} row)`);

    await server.start();
    await until(counts, (c) => c.ids >= ROWS, 90_000, 'every id in the target');
    // the re-read pages were all left out by the target transaction: a few more ticks add nothing
    await until(async () => server.nodeState(flowId, 'sel', 'watermark'), (w) => w === String(ROWS), 20_000, 'the engine watermark at the end');
    await server.api(`/api/flows/${flowId}/stop`, {});
    const final = await counts();
    assert.deepEqual(final, { rows: ROWS, ids: ROWS }, '0 lost, 0 duplicated');
    const offsets = (await db.pgc.query('SELECT position FROM tributary_offsets WHERE stream = $1', [`${flowId}/sel`])).rows as { position: string }[];
    assert.deepEqual(offsets.map((o) => JSON.parse(o.position)), [{ column: String(ROWS) }]);
    const runs = (await server.api(`/api/runs?flowId=${flowId}&status=succeeded&limit=200`)).body as { id: string }[];
    let skippedRows = 0;
    for (const r of runs) {
      const run = (await server.api(`/api/runs/${r.id}`)).body as { steps: { nodeId: string; logs?: string[] }[] };
      for (const s of run.steps.filter((st) => st.nodeId === 'put')) {
        const m = /, (\d+) already written \(exactly once\)/.exec(s.logs?.join(' ') ?? '');
        if (m) skippedRows += Number(m[1]);
      }
    }
    assert.ok(skippedRows >= atKill.rows, `${skippedRows} rows read again were left out (${atKill.rows} were written before the kill)`);
  } finally {
    await server.dispose();
    await db.pgc.query(`DROP FUNCTION IF EXISTS ${SLOW}() CASCADE`);
    if (flowId) await db.pgc.query('DELETE FROM tributary_offsets WHERE stream = $1', [`${flowId}/sel`]).catch(() => undefined);
    await db.drop();
  }
});
