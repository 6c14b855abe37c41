/**
 * Issue 8 finding 2: kill -9 during a loop/insert sync must repeat at most one page, not the
 * whole run. The seed's shape in the real server process: timer (parallel, every second) →
 * MariaDB select (incremental on id, pages of 100, no limit: one run covers the table) → loop
 * → PostgreSQL plain insert into a table without a key (a repeated row shows as a second
 * row). SIGKILL mid-run, start again: no id lost, at most one page written twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { ServerProcess, until } from './server-process.test-support.ts';

const SUFFIX = `${process.pid}_${Date.now() % 100000}`;
const SRC = `ckpt_src_${SUFFIX}`;
const DST = `ckpt_dst_${SUFFIX}`;
const ROWS = 5000;
const PAGE = 100;

test('SIGKILL mid-sync with plain insert: nothing lost, at most one page repeated', { timeout: 150_000 }, async (t) => {
  const server = await ServerProcess.create();
  const my = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
  const pgc = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await pgc.connect();
  const counts = async (): Promise<{ rows: number; ids: number }> => {
    const r = (await pgc.query(`SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM ${DST}`)).rows[0] as { rows: string; ids: string };
    return { rows: Number(r.rows), ids: Number(r.ids) };
  };
  try {
    await my.query(`CREATE TABLE ${SRC} (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)`);
    for (let i = 1; i <= ROWS; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, ROWS - i + 1) }, (_, k) => [i + k, `row ${i + k}`]);
      await my.query(`INSERT INTO ${SRC} (id, v) VALUES ?`, [rows]);
    }
    await pgc.query(`CREATE TABLE ${DST} (id INT NOT NULL, v VARCHAR(40) NOT NULL)`);

    await server.start();
    const src = await server.api('/api/connections', { name: 'ckpt maria', type: 'mysql', params: { host: '127.0.0.1', port: 3306, user: 'root', database: 'test' } });
    const dst = await server.api('/api/connections', { name: 'ckpt pg', type: 'postgres', params: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } });
    assert.equal(src.status, 201, JSON.stringify(src.body));
    assert.equal(dst.status, 201, JSON.stringify(dst.body));
    const flow = await server.api('/api/flows', {
      name: 'checkpoint sync',
      nodes: [
        { id: 'tick', type: 'timer', params: { unit: 'second', interval: 1, taskMode: 'parallel', runImmediately: true } },
        { id: 'sel', type: 'mysql', params: { connection: src.body.id, action: 'select', table: SRC, incremental: { column: 'id' }, pageSize: PAGE } },
        { id: 'each', type: 'loop', params: {} },
        { id: 'put', type: 'postgres', params: { connection: dst.body.id, action: 'insert', table: DST, values: { id: '${each|payload.id}', v: '${each|payload.v}' } } },
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
    await my.query(`DROP TABLE IF EXISTS ${SRC}`);
    await pgc.query(`DROP TABLE IF EXISTS ${DST}`);
    await my.end();
    await pgc.end();
  }
});
