/**
 * Builds and starts one Tributary server: store, secrets, auth, connections, engine,
 * HTTP API, live traces; resumes flows that were running. `close()` shuts it down gracefully.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchemaChecker } from '../core/schema-check.ts';
import { logicByType, nodeDefinitions, specsByType } from '../catalogue/index.ts';
import { connectionDrivers, nodeRuntimes, serverParamsChecks } from '../catalogue/server.ts';
import type { Config } from './config.ts';
import { openStore, storeFiles, type Store } from './store/store.ts';
import type { PruneResult } from './store/runs.ts';
import { tightenFileModes } from './store/private-files.ts';
import { join } from 'node:path';
import { DEFAULT_RETENTION, mergeRetention, startRetention } from './store/retention.ts';
import { lockDataDir } from './store/data-dir-lock.ts';
import { KEY_FILE, loadSecretKey } from './secrets/key.ts';
import { createSecretBox } from './secrets/cipher.ts';
import { makeMasker, type Masker } from './secrets/mask.ts';
import { createAuthService } from './auth/auth-service.ts';
import { ensureFirstAdmin } from './auth/first-admin.ts';
import { ConnectionService } from './connections/service.ts';
import { ConnectionPool } from './connections/pool.ts';
import { ConnectionAdmin } from './connections/connection-admin.ts';
import { RunHistory } from './runs/run-history.ts';
import { TemplateService } from './templates/template-service.ts';
import { Engine } from './engine/engine.ts';
import { HookTable } from './engine/hook-table.ts';
import { FlowService } from './flows/flow-service.ts';
import { FlowPorter } from './flows/flow-porter.ts';
import { FlowSecrets } from './flows/flow-secrets.ts';
import { connectionCheck } from './flows/connection-check.ts';
import { createHooksListener, createRequestListener } from './http/app.ts';
import { OriginPolicy } from './http/origin.ts';
import { LiveHub } from './http/live.ts';
import { flowsRouter } from './http/routes/flows.ts';
import { NodeRedImporter } from './flows/node-red-import.ts';
import { runsRouter } from './http/routes/runs.ts';
import { nodeTypesRouter } from './http/routes/node-types.ts';
import { usersRouter } from './http/routes/users.ts';
import { connectionsRouter } from './http/routes/connections.ts';
import { templatesRouter } from './http/routes/templates.ts';
import { createLogger, maskedLogger } from './log.ts';
import type { Logger } from '../core/logger.ts';
import { configureScriptRunners, stopIdleScriptRunners } from './sandbox/index.ts';

export interface RunningServer {
  url: string;
  port: number;
  /** set when /hooks is served on its own port (Config.hooksPort) */
  hooksUrl?: string;
  hooksPort?: number;
  store: Store;
  engine: Engine;
  /** set when the first admin was created with a generated password */
  generatedAdminPassword?: string;
  /** prune runs now by the retention policy (the server also does every 10 minutes) */
  pruneRuns(): PruneResult;
  close(): Promise<void>;
}

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface ServerOptions {
  log?: Logger;
  editorDir?: string;
  /** delays between attempts to resume a flow at boot (default 2 s doubling up to 60 s) */
  resumeRetry?: { firstMs: number; maxMs: number };
  /** session lifetime (tests of expiry) */
  sessionTtlMs?: number;
  /** told of every scrypt check a login makes (tests count them) */
  onPasswordCheck?: () => void;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  // before anything reads or changes the data dir: a second server would migrate it, resume
  // every flow a second time and mark the first one's running runs failed
  const lock = config.dataDir === ':memory:' ? undefined : lockDataDir(config.dataDir);
  try {
    const server = await startLocked(config, options);
    return lock ? { ...server, close: () => server.close().finally(() => lock.release()) } : server;
  } catch (err) {
    lock?.release();
    throw err;
  }
}

async function startLocked(config: Config, options: ServerOptions): Promise<RunningServer> {
  // before the store opens them: files an earlier version left readable by others
  const tightened = tightenFileModes([...storeFiles(config.dataDir), join(config.dataDir, KEY_FILE)]);
  const store = openStore({ dataDir: config.dataDir });
  const interrupted = store.runs.markInterrupted();
  const key = loadSecretKey({ dataDir: config.dataDir, envKey: config.secretKey });
  const box = createSecretBox(key.key);
  const connections = new ConnectionService(store, box);
  const flowSecrets = new FlowSecrets(store.flows, box, specsByType);
  // one masker per set of known secrets (steps are masked by the thousand): both lists keep
  // their identity until a secret changes, so this check costs two comparisons
  let maskerFor: { conn: string[]; flow: string[]; masker: Masker } | undefined;
  const masker = (): Masker => {
    const conn = connections.secretValues();
    const flow = flowSecrets.values();
    if (maskerFor?.conn !== conn || maskerFor.flow !== flow) maskerFor = { conn, flow, masker: makeMasker([...conn, ...flow]) };
    return maskerFor.masker;
  };
  const mask = (v: unknown): unknown => masker()(v);
  const log = options.log ? maskedLogger(options.log, mask) : createLogger({ mask });
  flowSecrets.sealLegacy(store.settings, log);
  // script runners (child processes) start with the first script node; their events go here
  configureScriptRunners({ log });
  if (interrupted > 0) log.warn('runs interrupted by the previous stop were marked failed', { count: interrupted });
  for (const t of tightened) log.warn('a data file was readable by other users: its mode is now 0600', { file: t.file, was: t.from });

  const unwatchStorage = store.health.watch((event) => {
    if (event.kind === 'failed') {
      log.warn('the store cannot write; writes answer 507/503 and runs are refused until it can', { code: event.error.code, detail: event.error.detail });
    } else if (event.kind === 'recovered') {
      log.info('the store can write again', { afterMs: event.afterMs });
    } else {
      log.error('run data was given up because the store could not write it', { count: event.count, error: event.error.message });
    }
  });

  let admin;
  try {
    admin = await ensureFirstAdmin(store, config.adminPassword);
  } catch (err) {
    unwatchStorage();
    store.close();
    throw err;
  }
  const auth = createAuthService(store, {
    ...(options.sessionTtlMs !== undefined ? { ttlMs: options.sessionTtlMs } : {}),
    ...(options.onPasswordCheck ? { onPasswordCheck: options.onPasswordCheck } : {}),
  });
  const origins = new OriginPolicy(config.allowedOrigins ?? []);
  const drivers = connectionDrivers();
  const pool = new ConnectionPool(connections, drivers, { log });
  const hooks = new HookTable();
  const live = new LiveHub();
  const checker = new SchemaChecker();
  const paramsChecks = await serverParamsChecks();
  const engine = new Engine(
    { specs: specsByType, runtimes: nodeRuntimes(), store: store.runs, connections: pool, events: live, hooks, log, masker, checker },
    config.shutdownGraceMs,
  );
  const flows = new FlowService({
    flows: store.flows,
    engine,
    specs: specsByType,
    logic: logicByType,
    checker,
    serverChecks: [(node) => paramsChecks.get(node.type)?.(node.params ?? {}) ?? [], connectionCheck((id) => connections.get(id)?.type)],
    log,
    secrets: flowSecrets,
    ...(options.resumeRetry ? { resumeRetry: options.resumeRetry } : {}),
  });
  const connectionLookup = {
    byId: (id: string) => connections.get(id),
    byName: (name: string) => connections.list().find((c) => c.name === name),
  };
  const porter = new FlowPorter(store.flows, flows, specsByType, connectionLookup);
  const nodeRed = new NodeRedImporter(flows, connectionLookup);
  const usersOf = (connectionId: string) =>
    flows.list()
      .filter((f) => f.doc.nodes.some((n) => n.params?.['connection'] === connectionId))
      .map((f) => ({ flowId: f.id, name: f.name }));

  const hooksOnOwnPort = config.hooksPort !== undefined;
  const listener = createRequestListener({
    version: VERSION,
    log,
    auth,
    hooks,
    origins,
    hooksOnOwnPort,
    storage: store.health,
    editorDir: options.editorDir ?? fileURLToPath(new URL('../editor/dist', import.meta.url)),
    routers: {
      '/flows': flowsRouter(flows, engine, porter, (id) => live.statusOf(id), nodeRed),
      '/runs': runsRouter(new RunHistory(store.runs)),
      '/node-types': nodeTypesRouter(nodeDefinitions),
      '/users': usersRouter(auth),
      '/connections': connectionsRouter(new ConnectionAdmin(connections, pool, drivers, usersOf)),
      '/templates': templatesRouter(new TemplateService(flows, (id) => connections.get(id)?.type), engine),
    },
  });
  const server: Server = createServer(listener);
  live.attach(server, auth, (flowId) => store.flows.get(flowId) !== undefined, origins);
  const hooksServer: Server | undefined = hooksOnOwnPort ? createServer(createHooksListener({ hooks, log })) : undefined;
  const listen = (s: Server, port: number): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, config.host, () => resolve((s.address() as AddressInfo).port));
    });
  const port = await listen(server, config.port);
  let hooksPort: number | undefined;
  try {
    hooksPort = hooksServer ? await listen(hooksServer, config.hooksPort ?? 0) : undefined;
  } catch (err) {
    await live.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    throw err;
  }
  const retention = startRetention(store, {
    defaults: mergeRetention(DEFAULT_RETENTION, config.retention),
    onError: (err) => log.error('retention: prune failed', { error: String(err) }),
  });
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
      for (const s of hooksServer ? [server, hooksServer] : [server]) {
        s.closeAllConnections?.();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      store.close();
      unwatchStorage();
    })());

  const urlOf = (p: number): string => `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${p}`;
  return {
    url: urlOf(port),
    port,
    ...(hooksPort !== undefined ? { hooksUrl: urlOf(hooksPort), hooksPort } : {}),
    store,
    engine,
    ...(admin.generatedPassword ? { generatedAdminPassword: admin.generatedPassword } : {}),
    pruneRuns: () => retention.runNow(),
    close,
  };
}
