/**
 * One server per data directory. The lock is an operating-system lock that SQLite takes on
 * `<dataDir>/tributary.lock` (a write transaction kept open for the server's lifetime), so the
 * kernel releases it the moment the holding process ends, however it ends: a server killed with
 * `kill -9` leaves no stale lock, and no pid-reuse or clock heuristics are needed (which a lock
 * *file* such as proper-lockfile's needs: its mtime must be refreshed, and a kill leaves it
 * looking alive until it goes stale). SQLite's unix locks also hold between two servers in one
 * process. `tributary.pid` beside it names the holder for the refusal message only.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile, makePrivateDir } from './private-files.ts';

export const LOCK_FILE = 'tributary.lock';
export const HOLDER_FILE = 'tributary.pid';

export interface LockHolder { pid: number; host: string; startedAt: string }

export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly holder: LockHolder | undefined) {
    const who = holder ? `pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}` : 'a process that has not said its pid yet';
    super(`the data directory ${dataDir} is in use by another Tributary server (${who}); stop it first or start this one with another --data-dir`);
    this.name = 'DataDirInUseError';
  }
}

/** the open lock databases: a better-sqlite3 handle that is garbage-collected closes, and the lock with it */
const heldLocks = new Set<Database.Database>();

export interface DataDirLock {
  /** release the lock (idempotent) */
  release(): void;
}

/** takes the data directory's lock or throws DataDirInUseError; creates the directory if missing */
export function lockDataDir(dataDir: string): DataDirLock {
  makePrivateDir(dataDir);
  const lockFile = join(dataDir, LOCK_FILE);
  const holderFile = join(dataDir, HOLDER_FILE);
  createPrivateFile(lockFile);
  // the default rollback journal (not WAL): its RESERVED lock excludes every other writer
  const db = new Database(lockFile);
  try {
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUseError(dataDir, readHolder(holderFile));
    throw err;
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  createPrivateFile(holderFile);
  writeFileSync(holderFile, `${JSON.stringify(holder)}\n`);
  heldLocks.add(db);
  return {
    release() {
      if (!heldLocks.delete(db)) return;
      rmSync(holderFile, { force: true });
      db.close(); // closing ends the transaction and with it the lock
    },
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.startedAt === 'string') return { pid: o.pid, host: o.host, startedAt: o.startedAt };
  } catch {
    /* written by the holder a moment after it locked, or removed as it stops */
  }
  return undefined;
}
