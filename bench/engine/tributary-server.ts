/**
 * Child process of benchmarks (c) and (d), Tributary side: the whole server as `npm start` runs
 * it (startServer: store, auth, engine, REST API, live traces) on a free port with a temp data
 * dir, log level warn. The runner deploys the flow through the REST API and asks for the idle RSS.
 *   env BENCH_ADMIN_PASSWORD
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../server/bootstrap.ts';
import { createLogger } from '../../server/log.ts';
import { answer, childMain, idleRss, tell } from '../lib/ipc.ts';
import { runnerUsage } from '../lib/runners.ts';

childMain(async () => {
  const dataDir = mkdtempSync(join(process.env['BENCH_TMP'] ?? tmpdir(), 'tributary-bench-server-'));
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      adminPassword: process.env['BENCH_ADMIN_PASSWORD'] ?? 'bench-owner-pass',
      secretKey: 'bench-secret-key',
      shutdownGraceMs: 3000,
    },
    { log: createLogger({ level: 'warn' }) },
  );
  const cleanup = (): void => rmSync(dataDir, { recursive: true, force: true });
  process.on('exit', cleanup);
  // script nodes run in runner processes: their CPU time and memory count with the server's
  answer('cpu', () => {
    const own = process.cpuUsage();
    return { user: own.user + Math.round(runnerUsage().cpuSeconds * 1e6), system: own.system };
  });
  answer('rss', async (m) => {
    const own = await idleRss(typeof m['idleMs'] === 'number' ? m['idleMs'] : 3000);
    return { ...own, rss: own.rss + runnerUsage().rss };
  });
  // how many runs and steps the store holds: proof that every request was traced
  answer('runs', () => {
    server.store.flush();
    return server.store.db.prepare('SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM steps) AS steps').get() as object;
  });
  process.on('SIGTERM', () => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  });
  tell({ type: 'ready', url: server.url });
});
