/**
 * The embedded store: one SQLite file `<dataDir>/tributary.db` (WAL) and one repository per
 * table group. `store.runs` is the engine's EngineStorePort.
 */
import { join } from 'node:path';
import { createPrivateFile, makePrivateDir } from './private-files.ts';
import { openDatabase, type Db } from './db.ts';
import { migrate } from './migrate.ts';
import { createUsersRepo, type UsersRepo } from './users.ts';
import { createSessionsRepo, type SessionsRepo } from './sessions.ts';
import { createFlowsRepo, type FlowsRepo } from './flows.ts';
import { RunWriter, type FlushResult, type RunWriterOptions } from './run-writer.ts';
import { createRunsRepo, type RunsRepo } from './runs.ts';
import { createNodeStateRepo, type NodeStateRepo } from './node-state.ts';
import { createConnectionsRepo, type ConnectionsRepo } from './connections-repo.ts';
import { createSettingsRepo, type SettingsRepo } from './settings.ts';
import { StorageHealth } from './storage-health.ts';

export interface StoreOptions {
  /** directory of `tributary.db` (created if missing); `':memory:'` for a throwaway store */
  dataDir: string;
  /** batching of run writes (see RunWriter) */
  runs?: RunWriterOptions;
  busyTimeoutMs?: number;
  /** how often the storage is checked (free space; while degraded, a probe write) — default 1000 ms */
  storageCheckMs?: number;
}

export interface Store {
  readonly db: Db;
  /** database file path, or `:memory:` */
  readonly file: string;
  readonly users: UsersRepo;
  readonly sessions: SessionsRepo;
  readonly flows: FlowsRepo;
  /** the engine's persistence port, plus run queries and pruning */
  readonly runs: RunsRepo;
  readonly nodeState: NodeStateRepo;
  readonly connections: ConnectionsRepo;
  readonly settings: SettingsRepo;
  /** whether the store can write; degraded while the storage is full or unavailable */
  readonly health: StorageHealth;
  /** write queued run data now (engine stop, shutdown) */
  flush(): FlushResult;
  /** flush and close the database */
  close(): void;
}

export const DB_FILE = 'tributary.db';

/** the store's files in a data directory (for checking their modes) */
export const storeFiles = (dataDir: string): string[] => [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`].map((f) => join(dataDir, f));

export function openStore(options: StoreOptions): Store {
  let file = ':memory:';
  if (options.dataDir !== ':memory:') {
    makePrivateDir(options.dataDir);
    file = join(options.dataDir, DB_FILE);
    // SQLite gives its -wal and -shm files the mode of the database file
    createPrivateFile(file);
  }
  const db = openDatabase(file, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs });
  try {
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const probe = probeWrite(db);
  const health = new StorageHealth({
    ...(file === ':memory:' ? {} : { dataDir: options.dataDir }),
    ...(options.storageCheckMs !== undefined ? { checkMs: options.storageCheckMs } : {}),
    // a probe never waits for a lock: the event loop must stay free while the store is in trouble
    probe: () => withoutBusyWait(db, () => {
      writer.retry();
      probe();
    }),
  });
  const writer = new RunWriter(db, { ...options.runs, storage: options.runs?.storage ?? health });
  const flushQuietly = (): void => void writer.flush();
  return {
    db,
    file,
    users: createUsersRepo(db),
    sessions: createSessionsRepo(db),
    flows: createFlowsRepo(db, flushQuietly),
    runs: createRunsRepo(db, writer, health),
    nodeState: createNodeStateRepo(db, { flush: flushQuietly, loadNodeState: (f, n) => writer.loadNodeState(f, n) }),
    connections: createConnectionsRepo(db),
    settings: createSettingsRepo(db),
    health,
    flush: () => writer.flush(),
    close: () => {
      if (!db.open) return;
      try {
        writer.close();
      } finally {
        health.close();
        db.close();
      }
    },
  };
}

const PROBE_KEY = '~storage-probe';

function withoutBusyWait(db: Db, work: () => void): void {
  const wait = Number(db.pragma('busy_timeout', { simple: true }));
  db.pragma('busy_timeout = 0');
  try {
    work();
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}

/**
 * A write that needs room: 64 KiB put into the settings table and taken out again in one
 * transaction (so nothing of it stays), which fails with SQLITE_FULL while pages cannot be added.
 */
function probeWrite(db: Db): () => void {
  const put = db.prepare<[string]>('INSERT INTO settings (key, value) VALUES (?, zeroblob(65536)) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const take = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  const probe = db.transaction(() => {
    put.run(PROBE_KEY);
    take.run(PROBE_KEY);
  });
  return () => probe();
}
