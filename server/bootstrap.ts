/**
 * Builds and starts one Tributary server: store, secrets, auth, connections, engine,
 * HTTP API, live traces; resumes flows that were running. `close()` shuts it down gracefully.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchemaChecker } from '../core/schema-check.ts';
import { allSpecs, specsByType } from '../nodes/specs.ts';
import { allRuntimes } from '../nodes/runtimes.ts';
import { serverNodeChecks } from '../nodes/server-checks.ts';
import type { Config } from './config.ts';
import { openStore, type Store } from './store/store.ts';
import { startRetention } from './store/retention.ts';
import { loadSecretKey } from './secrets/key.ts';
import { createSecretBox } from './secrets/cipher.ts';
import { makeMasker } from './secrets/mask.ts';
import { createAuthService } from './auth/auth-service.ts';
import { ensureFirstAdmin } from './auth/first-admin.ts';
import { ConnectionService } from './connections/service.ts';
import { ConnectionPool } from './connections/pool.ts';
import { allDrivers } from './connections/drivers/index.ts';
import { Engine } from './engine/engine.ts';
import { HookTable } from './engine/hook-table.ts';
import { FlowService } from './flows/flow-service.ts';
import { FlowPorter } from './flows/flow-porter.ts';
import { connectionCheck } from './flows/connection-check.ts';
import { createRequestListener } from './http/app.ts';
import { LiveHub } from './http/live.ts';
import { flowsRouter } from './http/routes/flows.ts';
import { runsRouter } from './http/routes/runs.ts';
import { nodeTypesRouter } from './http/routes/node-types.ts';
import { usersRouter } from './http/routes/users.ts';
import { connectionsRouter } from './http/routes/connections.ts';
import { templatesRouter } from './http/routes/templates.ts';
import { createLogger } from './log.ts';
import type { Logger } from './engine/node-api.ts';
import { configureScriptRunners, stopIdleScriptRunners } from './sandbox/index.ts';

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  engine: Engine;
  /** set when the first admin was created with a generated password */
  generatedAdminPassword?: string;
  close(): Promise<void>;
}

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ServerOptions {
  log?: Logger;
  editorDir?: string;
  /** delays between attempts to resume a flow at boot (default 2 s doubling up to 60 s) */
  resumeRetry?: { firstMs: number; maxMs: number };
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const store = openStore({ dataDir: config.dataDir });
  const interrupted = store.runs.markInterrupted();
  const key = loadSecretKey({ dataDir: config.dataDir, envKey: config.secretKey });
  const connections = new ConnectionService(store, createSecretBox(key.key));
  // one masker per set of known secrets (steps are masked by the thousand)
  let maskerFor: { key: string; masker: ReturnType<typeof makeMasker> } | undefined;
  const masker = (): ReturnType<typeof makeMasker> => {
    const values = connections.secretValues();
    const key = values.join('\u0000');
    if (maskerFor?.key !== key) maskerFor = { key, masker: makeMasker(values) };
    return maskerFor.masker;
  };
  const log = options.log ?? createLogger({ mask: (v) => masker()(v) });
  // script runners (child processes) start with the first script node; their events go here
  configureScriptRunners({ log });
  if (interrupted > 0) log.warn('runs interrupted by the previous stop were marked failed', { count: interrupted });

  const admin = await ensureFirstAdmin(store, config.adminPassword);
  const auth = createAuthService(store);
  const drivers = new Map(allDrivers.map((d) => [d.type, d]));
  const pool = new ConnectionPool(connections, drivers, { log });
  const hooks = new HookTable();
  const live = new LiveHub();
  const checker = new SchemaChecker();
  const engine = new Engine(
    { specs: specsByType, runtimes: new Map(allRuntimes.map((r) => [r.type, r])), store: store.runs, connections: pool, events: live, hooks, log, masker, checker },
    config.shutdownGraceMs,
  );
  const flows = new FlowService({
    flows: store.flows,
    engine,
    specs: specsByType,
    checker,
    serverChecks: [...serverNodeChecks, connectionCheck((id) => connections.get(id)?.type)],
    log,
    ...(options.resumeRetry ? { resumeRetry: options.resumeRetry } : {}),
  });
  const porter = new FlowPorter(store.flows, flows, specsByType, {
    byId: (id) => connections.get(id),
    byName: (name) => connections.list().find((c) => c.name === name),
  });
  const listFlows = () => store.flows.list().map((s) => store.flows.get(s.id)!).filter(Boolean);
  const usersOf = (connectionId: string) =>
    listFlows()
      .filter((f) => f.doc.nodes.some((n) => n.params?.['connection'] === connectionId))
      .map((f) => ({ flowId: f.id, name: f.name }));

  const listener = createRequestListener({
    version: VERSION,
    log,
    auth,
    hooks,
    editorDir: options.editorDir ?? fileURLToPath(new URL('../editor/dist', import.meta.url)),
    routers: {
      '/flows': flowsRouter(flows, engine, porter, listFlows, (id) => live.statusOf(id)),
      '/runs': runsRouter(store.runs),
      '/node-types': nodeTypesRouter(allSpecs),
      '/users': usersRouter(store),
      '/connections': connectionsRouter(connections, pool, drivers, usersOf),
      '/templates': templatesRouter(flows, engine, (id) => connections.get(id)?.type),
    },
  });
  const server: Server = createServer(listener);
  live.attach(server, (token) => auth.authenticate(token), (flowId) => store.flows.get(flowId) !== undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const retention = startRetention(store, { onError: (err) => log.error('retention: prune failed', { error: String(err) }) });
  await flows.resumeRunning();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      retention.stop();
      flows.close();
      await engine.shutdown(config.shutdownGraceMs);
      stopIdleScriptRunners();
      await pool.closeAll();
      await live.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
    })());

  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    store,
    engine,
    ...(admin.generatedPassword ? { generatedAdminPassword: admin.generatedPassword } : {}),
    close,
  };
}
