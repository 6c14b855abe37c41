/** Migration 003: usernames unique without case, also over a database that already holds `Admin` next to `admin`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './db.ts';
import { migrate, readMigrations } from './migrate.ts';
import { openStore } from './store.ts';
import { ConflictError } from './errors.ts';

test('existing names that differ only in case do not fail the migration: the oldest keeps its name, later ones get a suffix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-nocase-'));
  try {
    const db = openDatabase(join(dir, 'tributary.db'));
    migrate(db, readMigrations().filter((m) => m.version < 3));
    const insert = db.prepare('INSERT INTO users (id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)');
    insert.run('u_00000001', 'admin', 'h1', 'admin', '2025-01-01T00:00:00.000Z');
    insert.run('u_0000000a', 'Admin', 'h2', 'editor', '2025-01-02T00:00:00.000Z');
    insert.run('u_0000000b', 'ADMIN', 'h3', 'viewer', '2025-01-03T00:00:00.000Z');
    insert.run('u_0000000c', 'ops', 'h4', 'viewer', '2025-01-01T00:00:00.000Z');
    db.close();

    const store = openStore({ dataDir: dir });
    try {
      const names = store.users.list().map((u) => u.username).sort();
      assert.deepEqual(names, ['ADMIN.0000000b', 'Admin.0000000a', 'admin', 'ops']);
      assert.equal(store.users.findByUsername('ADMIN')?.id, 'u_00000001', 'the oldest keeps the name');
      assert.equal(store.users.findByUsername('admin.0000000A')?.passwordHash, 'h2', 'renamed users keep their password');
      assert.throws(() => store.users.create({ username: 'OPS', passwordHash: 'h', role: 'viewer' }), ConflictError);
      assert.equal(store.users.get('u_00000001')?.disabled, false);
      assert.deepEqual(store.users.get('u_00000001')?.preferences, {});
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
