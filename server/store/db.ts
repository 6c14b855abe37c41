/** Opens the SQLite file with the pragmas every part of the store relies on. */
import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface OpenDbOptions {
  /** how long a writer waits for another connection's lock before SQLITE_BUSY */
  busyTimeoutMs?: number;
}

export function openDatabase(file: string, options: OpenDbOptions = {}): Db {
  const db = new Database(file);
  try {
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    // NORMAL under WAL: a commit survives a process crash; only power loss may drop the last few.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
