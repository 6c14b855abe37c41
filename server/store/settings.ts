/** settings table: JSON values by key. */
import type { Db } from './db.ts';
import { fromJson, toJson } from './util.ts';

export interface SettingsRepo {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): boolean;
  all(): Record<string, unknown>;
}

export function createSettingsRepo(db: Db): SettingsRepo {
  const get = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  const set = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const del = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  const all = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings ORDER BY key');
  return {
    get: (key) => {
      const v = get.get(key);
      return v === undefined ? undefined : fromJson(v);
    },
    set: (key, value) => void set.run(key, toJson(value)),
    delete: (key) => del.run(key).changes > 0,
    all: () => Object.fromEntries(all.all().map((r) => [r.key, fromJson(r.value)])),
  };
}
