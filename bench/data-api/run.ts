/**
 * bench/data-api: the db-as-http-api template as a key lookup (`GET /hooks/<path>?id=N`, a
 * different random id per request) on a real PostgreSQL table of 100,000 rows, the whole server
 * in its own child process (as `npm start`), every run traced (trace mode full), autocannon in
 * this process. Checks every answer's row, and that the store holds one run per answered request.
 *
 *   npm run bench:data-api -- [--connections 20] [--seconds 10] [--warmup 3] [--total] [--control] [--compiled]
 *
 * Targets (issue 8, deliver 10): ≥ 3,000 requests/s with p99 ≤ 20 ms.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Child } from '../lib/child.ts';
import { ROOT, tscBuild, tsxBuild } from '../lib/build.ts';

const ADMIN_PASSWORD = 'bench-owner-pass-1';
const ROWS = 100_000;

const { values: opts } = parseArgs({
  options: {
    connections: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    total: { type: 'boolean', default: false },
    // the same server, load and tracing with no database: http-in → http-response (this machine's ceiling now)
    control: { type: 'boolean', default: false },
    // the server compiled with tsc (what `npm start` runs) instead of run through tsx
    compiled: { type: 'boolean', default: false },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});

interface Histogram { average: number; p50: number; p90: number; p99: number; max: number; total: number }
interface Result { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number; '2xx': number }
interface Req { method: string; path: string }
type Autocannon = (o: Record<string, unknown>, done: (err: Error | null, r: Result) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** the JSON fields this runner reads from answers */
interface Answer { id?: string; token?: string; settings?: Record<string, unknown>; default?: { id?: unknown; name?: unknown }[]; [k: string]: unknown }

async function request(url: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<{ status: number; body: Answer }> {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers['authorization'] = `Bearer ${init.token}`;
  const res = await fetch(url, { method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'), headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer };
}

function cannon(url: string, path: string, connections: number, seconds: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        // a different key per request: no answer comes from a cache
        requests: [{ setupRequest: (req: Req) => ({ ...req, method: 'GET', path: `/hooks/${path}?id=${1 + Math.floor(Math.random() * ROWS)}` }) }],
      },
      (err, r) => (err ? reject(err) : resolve(r)),
    );
  });
}

async function main(): Promise<void> {
  const table = `bench_dataapi_${process.pid}`;
  const db = new pg.Pool({ connectionString: opts['pg-url'], max: 2 });
  await db.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, name TEXT NOT NULL, zone TEXT NOT NULL, qty INT NOT NULL)`);
  await db.query(`INSERT INTO ${table} SELECT g, 'item ' || g, CASE WHEN g % 2 = 0 THEN 'north' ELSE 'south' END, g % 97 FROM generate_series(1, ${ROWS}) g`);
  await db.query(`ANALYZE ${table}`);
  const build = opts.compiled ? tscBuild((line) => console.log(line)) : tsxBuild;
  const child = new Child(build.script('bench/engine/tributary-server.ts'), [], {
    // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there (read with bench/lib/cpuprofile.ts)
    execArgv: process.env['BENCH_CPU_PROF'] ? [...build.flags, '--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`] : build.flags,
    cwd: ROOT,
    env: { BENCH_ADMIN_PASSWORD: ADMIN_PASSWORD },
    timeoutMs: 300_000,
    label: 'tributary server',
  });
  try {
    const url = String((await child.next('ready'))['url']);
    const token = (await request(`${url}/api/auth/login`, { body: { username: 'admin', password: ADMIN_PASSWORD } })).body.token as string;
    const u = new URL(opts['pg-url']);
    const conn = await request(`${url}/api/connections`, {
      token,
      body: { name: 'bench pg', type: 'postgres', environment: 'test', params: { host: u.hostname, port: Number(u.port || 5432), database: u.pathname.slice(1), user: u.username }, secrets: {} },
    });
    if (conn.status !== 201) throw new Error(`connection: ${JSON.stringify(conn.body)}`);
    const path = `bench/item`;
    const created = opts.control ? await request(`${url}/api/flows`, {
      token,
      body: {
        name: 'bench control (no database)',
        nodes: [
          { id: 'in', type: 'http-in', params: { method: 'GET', path } },
          { id: 'out', type: 'http-response', params: { status: 200, body: { default: [{ id: '${req.query.id}', name: 'item ${req.query.id}' }] } } },
        ],
        edges: [{ source: 'in', target: 'out' }],
      },
    }) : await request(`${url}/api/templates/db-as-http-api/instantiate`, {
      token,
      body: {
        name: 'bench lookup by key',
        params: { source: conn.body.id, sourceTable: table, fields: ['id', 'name', 'zone', 'qty'], where: 'id = :id', queryParams: ['id'], orderBy: ['id'], path, countTotal: opts.total },
      },
    });
    if (created.status !== 201) throw new Error(`template: ${JSON.stringify(created.body)}`);
    const flow = created.body;
    flow.settings = { ...(flow.settings ?? {}), trace: 'full' };
    const saved = await request(`${url}/api/flows/${flow.id}`, { method: 'PUT', token, body: flow });
    if (saved.status !== 200) throw new Error(`trace full: ${JSON.stringify(saved.body)}`);
    const started = await request(`${url}/api/flows/${flow.id}/start`, { method: 'POST', token });
    if (started.status !== 200) throw new Error(`start: ${JSON.stringify(started.body)}`);
    const probe = await request(`${url}/hooks/${path}?id=4242`);
    const row = probe.body?.default?.[0];
    if (probe.status !== 200 || String(row?.id) !== '4242' || row?.name !== 'item 4242') throw new Error(`wrong answer ${JSON.stringify(probe.body)}`);

    const connections = Number(opts.connections);
    await cannon(url, path, connections, Number(opts.warmup));
    const before = await child.ask({ type: 'runs' });
    const cpuBefore = await child.ask({ type: 'cpu' });
    const r = await cannon(url, path, connections, Number(opts.seconds));
    const cpuAfter = await child.ask({ type: 'cpu' });
    const after = await child.ask({ type: 'runs' });
    const cpuMicros = Number(cpuAfter['user']) + Number(cpuAfter['system']) - Number(cpuBefore['user']) - Number(cpuBefore['system']);
    const traced = Number(after['runs']) - Number(before['runs']);
    const line = {
      build: build.name,
      flow: opts.control ? 'control: http-in → http-response, no database' : `db-as-http-api key lookup${opts.total ? ' + COUNT' : ''}`,
      connections, seconds: Number(opts.seconds),
      rps: Math.round(r.requests.average), p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max,
      answered: r['2xx'], non2xx: r.non2xx, errors: r.errors + r.timeouts, runsTraced: traced,
      // the server's own CPU per request: much less disturbed by a busy machine than the wall clock
      serverCpuMicrosPerRequest: Math.round(cpuMicros / Math.max(1, r['2xx'])),
      loadAverage: (await import('node:os')).loadavg()[0]!.toFixed(1),
    };
    console.log(JSON.stringify(line));
    const ok = line.rps >= 3000 && line.p99 <= 20;
    console.log(`target ≥ 3,000 req/s and p99 ≤ 20 ms: ${ok ? 'met' : 'MISSED'}; every answered request traced: ${traced >= line.answered ? 'yes' : `NO (${traced} of ${line.answered})`}`);
  } finally {
    await child.stop();
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
