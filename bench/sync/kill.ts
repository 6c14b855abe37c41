/**
 * `node --import tsx bench/sync/kill.ts [--rows N] [--page-size N] [--modes plain,exactly-once]`:
 * the kill -9 run of SPEC §11. The real server as a child process syncs MariaDB → PostgreSQL
 * with timer → mysql select (incremental on id, pages) → postgres plain insert (and the same
 * with `exactlyOnce`) into a target without a key; it is SIGKILLed half way, started again on
 * the same data dir, and the target is counted: rows lost, rows written twice. See bench/README.md.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { ServerProcess, syncConnections, until } from '../../server/server-process.test-support.ts';
import { MARIADB, POSTGRES } from './tables.ts';

type Mode = 'plain' | 'exactly-once';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1]! : fallback;
}

const ROWS = Number(option('rows', '1000000').replace(/_/g, ''));
const PAGE = Number(option('page-size', '5000'));
const MODES = option('modes', 'plain,exactly-once').split(',') as Mode[];
const SRC = `bench_kill_src_${process.pid}`;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const fmt = (n: number): string => n.toLocaleString('en-US');

interface Outcome { mode: Mode; atKill: number; watermarkAtKill: string; rows: number; ids: number; seconds: number }

async function runMode(mode: Mode, my: mysql.Connection, pgc: pg.Client): Promise<Outcome> {
  const dst = `bench_kill_dst_${process.pid}_${mode.replace('-', '_')}`;
  await pgc.query(`DROP TABLE IF EXISTS ${dst}`);
  await pgc.query(`CREATE TABLE ${dst} (id BIGINT NOT NULL, amount NUMERIC(20,4), note VARCHAR(100))`);
  const count = async (): Promise<number> => Number((await pgc.query(`SELECT count(*) AS n FROM ${dst}`)).rows[0].n);
  const server = await ServerProcess.create();
  const t0 = performance.now();
  try {
    await server.start();
    const c = await syncConnections(server, `kill ${mode}`);
    const flow = await server.api('/api/flows', {
      name: `kill run ${mode}`,
      settings: { trace: 'errors' },
      nodes: [
        { id: 'tick', type: 'timer', params: { unit: 'second', interval: 1, taskMode: 'parallel', runImmediately: true } },
        { id: 'sel', type: 'mysql', params: { connection: c.source, action: 'select', table: SRC, fields: ['id', 'amount', 'note'], incremental: { column: 'id' }, pageSize: PAGE } },
        { id: 'put', type: 'postgres', params: { connection: c.target, action: 'insert', table: dst, batchSize: 1000, ...(mode === 'exactly-once' ? { exactlyOnce: true } : {}) } },
      ],
      edges: [{ source: 'tick', target: 'sel' }, { source: 'sel', target: 'put' }],
    });
    if (flow.status !== 201) throw new Error(JSON.stringify(flow.body));
    const flowId = flow.body.id as string;
    await server.api(`/api/flows/${flowId}/start`, {});
    // plain insert commits every batch of 1,000: killed inside a page, past half the rows
    // (exactly-once commits whole pages: any moment is the same to it)
    await until(count, (n) => n >= ROWS / 2 && (mode === 'exactly-once' || n % PAGE !== 0), 600_000, 'half the rows, inside a page');
    await server.kill('SIGKILL');
    const atKill = await count();
    const watermarkAtKill = JSON.stringify(server.nodeState(flowId, 'sel', 'watermark') ?? null);
    log(`  ${mode}: killed with ${fmt(atKill)} rows in the target, engine watermark ${watermarkAtKill}`);
    await server.start();
    await until(async () => server.nodeState(flowId, 'sel', 'watermark'), (w) => w === String(ROWS), 600_000, 'the watermark at the last id');
    await server.api(`/api/flows/${flowId}/stop`, {});
    const r = (await pgc.query(`SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM ${dst}`)).rows[0] as { rows: string; ids: string };
    return { mode, atKill, watermarkAtKill, rows: Number(r.rows), ids: Number(r.ids), seconds: (performance.now() - t0) / 1000 };
  } finally {
    await server.dispose();
    await pgc.query(`DROP TABLE IF EXISTS ${dst}`);
  }
}

async function main(): Promise<void> {
  const my = await mysql.createConnection({ ...MARIADB });
  const pgc = new pg.Client(POSTGRES);
  await pgc.connect();
  try {
    await my.query(`CREATE TABLE ${SRC} (id BIGINT PRIMARY KEY, amount DECIMAL(20,4) NOT NULL, note VARCHAR(100) NOT NULL)`);
    await my.query(`INSERT INTO ${SRC} SELECT seq, seq * 1.2345, CONCAT('row ', seq, ' 🚀') FROM seq_1_to_${ROWS}`);
    log(`kill run: ${fmt(ROWS)} rows, pages of ${fmt(PAGE)}`);
    const results: Outcome[] = [];
    for (const mode of MODES) results.push(await runMode(mode, my, pgc));
    const lines = [
      '| target write | rows in target at the kill | engine watermark at the kill | rows after restart | ids | lost | written twice | seconds (both lives) |',
      '|---|---:|---|---:|---:|---:|---:|---:|',
      ...results.map((r) => `| ${r.mode === 'plain' ? 'plain insert' : 'insert, exactlyOnce'} | ${fmt(r.atKill)} | ${r.watermarkAtKill} | ${fmt(r.rows)} | ${fmt(r.ids)} | ${fmt(ROWS - r.ids)} | ${fmt(r.rows - r.ids)} | ${r.seconds.toFixed(1)} |`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await my.query(`DROP TABLE IF EXISTS ${SRC}`);
    await my.end();
    await pgc.end();
  }
}

await main();
