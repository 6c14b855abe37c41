/**
 * Issue 8 finding 1: a parallel timer whose runs take longer than its interval must not read
 * the same rows twice. timer (every second, parallel) → MariaDB select (incremental on id) →
 * loop → plain insert into MariaDB, 3,000 rows and more added while it runs: every id arrives
 * exactly once; ticks that found the read busy waited or were recorded as skipped runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chain, mariadb, suffix, syncEngine, until } from './incremental.test-support.ts';

const ROWS = 3000;
const MORE = 500;

test('a parallel timer never runs one incremental read twice at once: each id arrives exactly once', { timeout: 120_000 }, async (t) => {
  const s = suffix();
  const src = `ovl_src_${s}`;
  const dst = `ovl_dst_${s}`;
  const my = await mariadb();
  const { engine, store, close, mysqlId } = syncEngine();
  try {
    await my.query(`CREATE TABLE ${src} (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL)`);
    // no key on the target: a duplicate shows as a second row
    await my.query(`CREATE TABLE ${dst} (id INT NOT NULL, v VARCHAR(40) NOT NULL)`);
    const seed = async (from: number, to: number): Promise<void> => {
      for (let i = from; i <= to; i += 1000) {
        const rows = Array.from({ length: Math.min(1000, to - i + 1) }, (_, k) => [i + k, `row ${i + k}`]);
        await my.query(`INSERT INTO ${src} (id, v) VALUES ?`, [rows]);
      }
    };
    await seed(1, ROWS);

    await engine.start(
      'ovl',
      1,
      chain(
        [
          { id: 'tick', type: 'timer', params: { unit: 'second', interval: 1, taskMode: 'parallel', runImmediately: true } },
          { id: 'sel', type: 'mysql', params: { connection: mysqlId, action: 'select', table: src, incremental: { column: 'id' }, pageSize: 500 } },
          { id: 'each', type: 'loop', params: {} },
          { id: 'put', type: 'mysql', params: { connection: mysqlId, action: 'insert', table: dst, values: { id: '${each|payload.id}', v: '${each|payload.v}' } } },
        ],
        { each: 'each' },
      ),
    );
    const count = async (): Promise<number> => Number(((await my.query(`SELECT COUNT(*) AS n FROM ${dst}`))[0] as { n: string }[])[0]!.n);
    await until(count, (n) => n >= 1000, 60_000, 'the first rows written');
    await seed(ROWS + 1, ROWS + MORE);
    await until(count, (n) => n >= ROWS + MORE, 90_000, 'every row written');
    // a few more ticks: they must find nothing new
    const runsNow = store.runs.size;
    await until(() => store.runs.size, (n) => n >= runsNow + 3, 10_000, 'three more ticks');
    await engine.stop('ovl');

    const [dups] = (await my.query(`SELECT id, COUNT(*) AS n FROM ${dst} GROUP BY id HAVING COUNT(*) > 1 LIMIT 5`)) as unknown as [{ id: number; n: string }[]];
    assert.deepEqual(dups, [], 'no id written twice');
    assert.equal(await count(), ROWS + MORE, 'every id written once');
    const [missing] = (await my.query(`SELECT COUNT(*) AS n FROM ${src} s LEFT JOIN ${dst} d ON d.id = s.id WHERE d.id IS NULL`)) as unknown as [{ n: string }[]];
    assert.equal(Number(missing[0]!.n), 0);

    const runs = [...store.runs.values()];
    const skipped = runs.filter((r) => r.status === 'skipped');
    const failed = runs.filter((r) => r.status === 'failed');
    assert.deepEqual(failed.map((r) => r.error), []);
    // the reading took several seconds at one tick a second: ticks found it busy and were skipped, visibly
    assert.ok(skipped.length >= 1, `skipped runs: ${skipped.length} of ${runs.length}`);
    assert.match(skipped[0]!.error ?? '', /^skipped: an earlier run of this incremental read is still reading/);
    const skippedStep = skipped[0]!.steps.find((st) => st.nodeId === 'sel');
    assert.ok(skippedStep?.logs?.some((l) => l.startsWith('skipped the run')), JSON.stringify(skippedStep));
    t.diagnostic(`${runs.length} runs: ${runs.filter((r) => r.status === 'succeeded').length} succeeded, ${skipped.length} skipped`);
  } finally {
    await close();
    await my.query(`DROP TABLE IF EXISTS ${src}`);
    await my.query(`DROP TABLE IF EXISTS ${dst}`);
    await my.end();
  }
});
