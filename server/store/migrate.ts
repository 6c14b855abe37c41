/**
 * Applies the numbered `.sql` files of ./migrations in order, each in its own transaction,
 * recording them in `schema_migrations`. Already-applied numbers are skipped, so it is idempotent.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './db.ts';

export interface MigrationFile { version: number; name: string; sql: string }

const MIGRATION_NAME = /^(\d+)[_-][\w.-]*\.sql$/;

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const name of readdirSync(dir)) {
    const m = MIGRATION_NAME.exec(name);
    if (!m?.[1]) continue;
    files.push({ version: Number(m[1]), name, sql: readFileSync(join(dir, name), 'utf8') });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    const prev = files[i - 1];
    const cur = files[i];
    if (prev && cur && prev.version === cur.version) {
      throw new Error(`two migrations share number ${cur.version}: ${prev.name}, ${cur.name}`);
    }
  }
  return files;
}

/** Returns the versions applied by this call (empty when the schema was already current). */
export function migrate(db: Db, migrations: MigrationFile[] = readMigrations()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const done = new Set(
    db.prepare<[], number>('SELECT version FROM schema_migrations').pluck().all(),
  );
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    // immediate: take the write lock first so two processes cannot both apply it
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}
