/**
 * The flows' side: the whole server in this process (startServer: SQLite store, secrets,
 * connection pool, engine) on a free port and a temp data dir. Connections and flows go in
 * through the REST API as a user would save them; runs are fired through the engine so that
 * the end of a run is known exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowDocument } from '../../core/flow-types.ts';
import { startServer, type RunningServer } from '../../server/bootstrap.ts';
import { createLogger } from '../../server/log.ts';
import { MARIADB, POSTGRES } from './tables.ts';

const PASSWORD = 'bench-sync-owner-1';

export interface FlowRunResult { status: string; error?: string; seconds: number; cpuSeconds: number; peakRssMiB: number }

export class EngineSide {
  private constructor(
    private readonly server: RunningServer,
    private readonly dataDir: string,
    private readonly call: (path: string, body: unknown) => Promise<Record<string, unknown>>,
    readonly connections: { mysql: string; postgres: string },
  ) {}

  static async start(): Promise<EngineSide> {
    const dataDir = mkdtempSync(join(tmpdir(), 'tributary-bench-sync-'));
    const server = await startServer(
      { port: 0, host: '127.0.0.1', dataDir, adminPassword: PASSWORD, secretKey: 'bench-sync-secret-key', shutdownGraceMs: 3000 },
      { log: createLogger({ level: 'warn' }) },
    );
    const call = async (path: string, body: unknown, token?: string): Promise<Record<string, unknown>> => {
      const res = await fetch(server.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const token = String((await call('/api/auth/login', { username: 'admin', password: PASSWORD }))['token']);
    const mysql = await call('/api/connections', { name: 'bench mariadb', type: 'mysql', params: { ...MARIADB } }, token);
    const postgres = await call('/api/connections', { name: 'bench postgres', type: 'postgres', params: { ...POSTGRES } }, token);
    return new EngineSide(server, dataDir, (path, body) => call(path, body, token), { mysql: String(mysql['id']), postgres: String(postgres['id']) });
  }

  /** saves and starts the flow, fires its timer once, waits for the run's end, stops the flow */
  async runOnce(doc: FlowDocument): Promise<FlowRunResult> {
    const saved = await this.call('/api/flows', doc);
    const flowId = String(saved['id']);
    await this.call(`/api/flows/${flowId}/start`, {});
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      const outcome = await this.server.engine.trigger(flowId, 'tick', undefined, false).done;
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      return {
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        peakRssMiB: Math.round(peak / 1024 / 1024),
      };
    } finally {
      clearInterval(sampler);
      await this.call(`/api/flows/${flowId}/stop`, {});
    }
  }

  /** steps the store kept for the flow's runs (how much was traced) */
  stepCount(): number {
    this.server.store.flush();
    return Number((this.server.store.db.prepare('SELECT count(*) AS n FROM steps').get() as { n: number }).n);
  }

  async close(): Promise<void> {
    await this.server.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
