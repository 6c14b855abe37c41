import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowDocument } from '../../core/flow-types.ts';
import { openStore, type Store } from './store.ts';
import { migrate, readMigrations } from './migrate.ts';
import { openDatabase } from './db.ts';
import { ConflictError } from './errors.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-store-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const doc = (name: string, nodes = 1): FlowDocument => ({
  name,
  description: `${name} flow`,
  nodes: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, type: 'log', params: { message: `m${i}` } })),
  edges: [],
});

describe('openStore and migrations', () => {
  test('creates <dataDir>/tributary.db in WAL mode with foreign keys', () => {
    const d = join(dir, 'fresh', 'nested');
    const store = openStore({ dataDir: d });
    try {
      assert.ok(existsSync(join(d, 'tributary.db')));
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(store.db.pragma('busy_timeout', { simple: true }), 5000);
    } finally {
      store.close();
    }
  });

  test('migrations are applied once and recorded; reopening applies nothing', () => {
    const d = join(dir, 'migrate');
    const s1 = openStore({ dataDir: d });
    const count = readMigrations().length;
    assert.ok(count >= 1);
    const recorded = s1.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    assert.deepEqual(recorded, readMigrations().map((m) => m.version));
    s1.flows.create(doc('kept'), 'admin');
    s1.close();

    const db = openDatabase(join(d, 'tributary.db'));
    try {
      assert.deepEqual(migrate(db), [], 'nothing left to apply');
      assert.equal(db.prepare('SELECT COUNT(*) FROM flows').pluck().get(), 1, 'data survives reopening');
    } finally {
      db.close();
    }
  });

  test('a failing migration leaves no trace', () => {
    const db = openDatabase(':memory:');
    try {
      assert.throws(() => migrate(db, [
        { version: 1, name: '001_ok.sql', sql: 'CREATE TABLE a (x INTEGER);' },
        { version: 2, name: '002_bad.sql', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO nope VALUES (1);' },
      ]));
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, ['a', 'schema_migrations']);
      assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').pluck().all(), [1]);
    } finally {
      db.close();
    }
  });

  test(':memory: store works', () => {
    const store = openStore({ dataDir: ':memory:' });
    try {
      assert.equal(store.file, ':memory:');
      assert.equal(store.flows.list().length, 0);
    } finally {
      store.close();
    }
  });
});

describe('flows', () => {
  let store: Store;
  before(() => {
    store = openStore({ dataDir: join(dir, 'flows') });
  });
  after(() => store.close());

  test('create, update makes versions, old versions stay readable', () => {
    const { id, version } = store.flows.create(doc('orders'), 'alice');
    assert.match(id, /^f_[0-9a-f]{8}$/);
    assert.equal(version, 1);
    const v1 = store.flows.get(id);
    assert.ok(v1);
    assert.equal(v1.name, 'orders');
    assert.equal(v1.description, 'orders flow');
    assert.equal(v1.state, 'stopped');
    assert.equal(v1.stateError, null);
    assert.equal(v1.doc.id, id, 'stored document carries its id');

    const up = store.flows.update(id, { ...doc('orders v2', 3), id: 'ignored' }, 'bob');
    assert.deepEqual(up, { id, version: 2 });
    const v2 = store.flows.get(id);
    assert.equal(v2?.version, 2);
    assert.equal(v2?.name, 'orders v2');
    assert.equal(v2?.doc.id, id);
    assert.equal(v2?.doc.nodes.length, 3);

    const versions = store.flows.versions(id);
    assert.deepEqual(versions.map((v) => [v.version, v.createdBy, v.doc.nodes.length]), [[2, 'bob', 3], [1, 'alice', 1]]);
    assert.equal(store.flows.getVersion(id, 1)?.doc.name, 'orders');
    assert.equal(store.flows.getVersion(id, 9), undefined);
    assert.equal(store.flows.update('f_missing', doc('x'), null), undefined);
  });

  test('list, state', () => {
    const { id } = store.flows.create(doc('stateful'), null);
    assert.ok(store.flows.setState(id, 'error', 'boom'));
    const f = store.flows.get(id);
    assert.equal(f?.state, 'error');
    assert.equal(f?.stateError, 'boom');
    store.flows.setState(id, 'running');
    assert.equal(store.flows.get(id)?.stateError, null);
    assert.deepEqual(store.flows.list({ state: 'running' }).map((x) => x.id), [id]);
    assert.ok(store.flows.list().some((x) => x.id === id && x.doc.name === 'stateful'));
    assert.equal(store.flows.setState('f_nope', 'running'), false);
  });

  test('create with a given id; conflict when taken', () => {
    store.flows.create(doc('imported'), null, { id: 'f_import01' });
    assert.equal(store.flows.get('f_import01')?.name, 'imported');
    assert.throws(() => store.flows.create(doc('again'), null, { id: 'f_import01' }), ConflictError);
  });

  test('a failure in the middle of update leaves the flow as it was', () => {
    const { id } = store.flows.create(doc('atomic'), 'alice');
    // a real failure on the second write of the transaction (the version row)
    store.db.exec(`CREATE TEMP TRIGGER fail_version BEFORE INSERT ON flow_versions
      WHEN NEW.version = 2 BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
    try {
      assert.throws(() => store.flows.update(id, doc('atomic changed', 5), 'bob'), /forced failure/);
    } finally {
      store.db.exec('DROP TRIGGER fail_version');
    }
    const f = store.flows.get(id);
    assert.equal(f?.version, 1);
    assert.equal(f?.name, 'atomic');
    assert.equal(f?.doc.nodes.length, 1);
    assert.equal(store.flows.versions(id).length, 1);
  });

  test('a failure in the middle of create stores nothing', () => {
    const before = store.flows.list().length;
    store.db.exec(`CREATE TEMP TRIGGER fail_v1 BEFORE INSERT ON flow_versions
      BEGIN SELECT RAISE(ABORT, 'forced failure'); END`);
    try {
      assert.throws(() => store.flows.create(doc('never'), null), /forced failure/);
    } finally {
      store.db.exec('DROP TRIGGER fail_v1');
    }
    assert.equal(store.flows.list().length, before);
  });

  test('delete removes versions, runs, steps and node state', () => {
    const { id } = store.flows.create(doc('doomed'), null);
    store.flows.update(id, doc('doomed 2'), null);
    const run = { id: 'r_doomed', flowId: id, flowVersion: 2, trigger: { nodeId: 'n0', type: 'inject' }, status: 'succeeded' as const, startedAt: new Date().toISOString() };
    store.runs.runFinished(run, [{ nodeId: 'n0', status: 'succeeded', startedAt: run.startedAt }], [
      { flowId: id, nodeId: 'n0', key: 'k', value: 1 },
    ]);
    assert.equal(store.flows.delete(id), true);
    assert.equal(store.flows.get(id), undefined);
    assert.deepEqual(store.flows.versions(id), []);
    assert.equal(store.runs.get('r_doomed'), undefined);
    assert.equal(store.db.prepare("SELECT COUNT(*) FROM steps WHERE run_id = 'r_doomed'").pluck().get(), 0);
    assert.deepEqual(store.nodeState.load(id, 'n0'), {});
    assert.equal(store.flows.delete(id), false);
  });
});

describe('users, settings', () => {
  let store: Store;
  before(() => {
    store = openStore({ dataDir: join(dir, 'users') });
  });
  after(() => store.close());

  test('users: unique names, list without hashes, never remove or demote the last admin', () => {
    const admin = store.users.create({ username: 'admin', passwordHash: 'h1', role: 'admin' });
    assert.match(admin.id, /^u_[0-9a-f]{8}$/);
    assert.throws(() => store.users.create({ username: 'admin', passwordHash: 'h', role: 'viewer' }), ConflictError);
    const ed = store.users.create({ username: 'ed', passwordHash: 'h2', role: 'editor' });
    for (const u of store.users.list()) assert.equal('passwordHash' in u, false);
    assert.equal(store.users.findByUsername('ed')?.passwordHash, 'h2');

    assert.throws(() => store.users.delete(admin.id), (e: unknown) => e instanceof ConflictError && e.code === 'last_admin');
    assert.throws(() => store.users.update(admin.id, { role: 'viewer' }), ConflictError);
    assert.equal(store.users.get(admin.id)?.role, 'admin');

    store.users.update(ed.id, { role: 'admin', passwordHash: 'h3' });
    assert.equal(store.users.findByUsername('ed')?.passwordHash, 'h3');
    assert.equal(store.users.update(admin.id, { role: 'viewer' })?.role, 'viewer', 'another admin exists now');
    assert.equal(store.users.delete(admin.id), true);
    assert.equal(store.users.count(), 1);
    assert.equal(store.users.update('u_missing', { role: 'viewer' }), undefined);
  });

  test('settings round trip JSON', () => {
    store.settings.set('retention', { maxRunsPerFlow: 5 });
    assert.deepEqual(store.settings.get('retention'), { maxRunsPerFlow: 5 });
    store.settings.set('retention', { maxAgeDays: 2 });
    assert.deepEqual(store.settings.all(), { retention: { maxAgeDays: 2 } });
    assert.equal(store.settings.delete('retention'), true);
    assert.equal(store.settings.get('retention'), undefined);
  });
});
