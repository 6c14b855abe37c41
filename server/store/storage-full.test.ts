// The store on a disk that fills up or a database that stays locked: errors are classified by
// code, the run writer never loses its queue silently, and the store recovers by itself.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RunRecord } from '../../core/flow-types.ts';
import { openStore, type Store } from './store.ts';
import { openDatabase } from './db.ts';
import { RunWriter, type StorageSink } from './run-writer.ts';
import { StorageError, storageErrorOf } from './errors.ts';
import { smallDisk, type SmallDisk } from '../test-full-disk.ts';
import { StorageHealth, type StorageEvent } from './storage-health.ts';

const run = (id: string, status: RunRecord['status'] = 'running'): RunRecord => ({
  id, flowId: 'f', flowVersion: 1, trigger: { nodeId: 'in', type: 'inject', kind: 'manual' }, status,
  startedAt: new Date().toISOString(), ...(status === 'running' ? {} : { endedAt: new Date().toISOString() }),
});

function fullStore(t: TestContext): { store: Store; disk: SmallDisk; events: StorageEvent[] } {
  const disk = smallDisk();
  t.diagnostic(`full disk simulated with: ${disk.mechanism}`);
  // checks are driven by the test (health.check()), not by the timer
  const store = openStore({ dataDir: disk.dir, storageCheckMs: 3_600_000 });
  const events: StorageEvent[] = [];
  store.health.watch((e) => events.push(e));
  t.after(() => {
    store.close();
    disk.dispose();
  });
  return { store, disk, events };
}

test('storage errors are recognised by SQLite result code or errno, never by message text', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-classify-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase(join(dir, 'x.db'));
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)');
  const sqliteError = (fn: () => void): unknown => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    assert.fail('no error');
  };
  // a real SQLITE_FULL: the database may not grow
  db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
  const full = sqliteError(() => db.prepare('INSERT INTO t (v) VALUES (zeroblob(100000))').run());
  assert.equal((full as { code: string }).code, 'SQLITE_FULL');
  assert.equal(storageErrorOf(full)?.code, 'STORAGE_FULL');
  assert.match(storageErrorOf(full)!.message, /^storage full: /);
  // a real SQLITE_BUSY: another connection holds the write lock
  db.pragma('max_page_count = 1073741823');
  const other = new Database(join(dir, 'x.db'));
  other.exec('BEGIN IMMEDIATE');
  db.pragma('busy_timeout = 10');
  const busy = sqliteError(() => db.prepare('INSERT INTO t (v) VALUES (1)').run());
  other.exec('ROLLBACK');
  other.close();
  assert.match((busy as { code: string }).code, /^SQLITE_BUSY/);
  assert.equal(storageErrorOf(busy)?.code, 'STORAGE_UNAVAILABLE');
  assert.match(storageErrorOf(busy)!.message, /^storage unavailable: database is locked/);
  // a real constraint error is not a storage error
  db.prepare('INSERT INTO t (id) VALUES (1)').run();
  assert.equal(storageErrorOf(sqliteError(() => db.prepare('INSERT INTO t (id) VALUES (1)').run())), undefined);
  db.close();
  // errno and extended codes
  assert.equal(storageErrorOf(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))?.code, 'STORAGE_FULL');
  assert.equal(storageErrorOf(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))?.code, 'STORAGE_UNAVAILABLE');
  // the text alone decides nothing
  assert.equal(storageErrorOf(new Error('database or disk is full')), undefined);
  assert.equal(storageErrorOf(Object.assign(new Error('x'), { code: 'SQLITE_FULLNESS_OF_TIME' })), undefined);
  const same = new StorageError('STORAGE_FULL', 'x');
  assert.equal(storageErrorOf(same), same);
});

test('on a full disk, waited run writes are told, the others are kept, and written by themselves once space returns', async (t) => {
  const { store, disk, events } = fullStore(t);
  store.runs.runStarted(run('kept-start'));
  store.runs.runFinished(run('ok', 'succeeded'), [], [{ flowId: 'f', nodeId: 'n', key: 'w', value: 1 }]);
  store.flush();
  store.runs.runStarted(run('queued-start'));
  disk.fill(store.db);

  let told: Error | undefined;
  let calls = 0;
  // large, so that under the max_page_count fallback too the batch needs new pages
  const big = 'x'.repeat(200_000);
  store.runs.runFinished(run('lost', 'succeeded'), [{ nodeId: 'in', status: 'succeeded', startedAt: run('x').startedAt, output: { payload: big } }], [{ flowId: 'f', nodeId: 'n', key: 'w', value: 2 }], (err) => {
    calls++;
    told = err;
  });
  store.runs.runFinished({ ...run('failed-record', 'failed'), error: big }, [], []);
  store.flush();
  assert.equal(calls, 1, 'the callback is called once');
  assert.ok(told instanceof StorageError, String(told));
  assert.equal(told.code, 'STORAGE_FULL');
  assert.equal(store.health.problem()?.code, 'STORAGE_FULL');
  assert.deepEqual(events.map((e) => e.kind), ['failed']);
  assert.equal(store.nodeState.load('f', 'n')['w'], 1, 'the state of the unwritten run is not seen');

  // still full: the check leaves it degraded and keeps what it holds
  store.health.check();
  assert.equal(store.health.problem()?.code, 'STORAGE_FULL');
  if (disk.mechanism === 'tmpfs') assert.equal(store.runs.get('queued-start'), undefined);

  disk.free(store.db);
  store.health.check();
  assert.equal(store.health.problem(), undefined);
  assert.deepEqual(events.map((e) => e.kind), ['failed', 'recovered']);
  // what nobody waited for was kept and is written now; what was waited for was given back
  assert.equal(store.runs.get('queued-start')?.status, 'running');
  assert.equal(store.runs.get('failed-record')?.status, 'failed');
  assert.equal(store.runs.get('lost'), undefined);
  assert.equal(store.nodeState.load('f', 'n')['w'], 1);
  // and new writes go through
  store.runs.runFinished(run('after', 'succeeded'), [], [{ flowId: 'f', nodeId: 'n', key: 'w', value: 3 }]);
  assert.equal(store.runs.get('after')?.status, 'succeeded');
  assert.equal(store.nodeState.load('f', 'n')['w'], 3);
});

test('kept run writes are bounded: beyond the bound the oldest are given up and reported, never silently', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bound-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore({ dataDir: dir, storageCheckMs: 3_600_000 });
  t.after(() => store.close());
  const reported: { failed: StorageError[]; lost: number[] } = { failed: [], lost: [] };
  const sink: StorageSink = { failed: (e) => reported.failed.push(e), lost: (n) => reported.lost.push(n) };
  const writer = new RunWriter(store.db, { flushIntervalMs: 1000, maxRetained: 3, storage: sink });
  // the database may not grow: a blob in each run's error forces new pages
  store.db.pragma(`max_page_count = ${Number(store.db.pragma('page_count', { simple: true }))}`);
  for (let i = 0; i < 5; i++) writer.runFinished({ ...run(`r${i}`, 'failed'), error: 'e'.repeat(5000) }, [], []);
  assert.deepEqual(writer.flush(), { written: 0, failed: [] });
  assert.equal(writer.kept, 3);
  assert.deepEqual(reported.lost, [2]);
  assert.equal(reported.failed[0]?.code, 'STORAGE_FULL');
  assert.throws(() => writer.retry(), (err: unknown) => err instanceof StorageError && err.code === 'STORAGE_FULL');
  assert.equal(writer.kept, 3);
  store.db.pragma('max_page_count = 1073741823');
  assert.deepEqual(writer.retry(), { written: 3, failed: [] });
  assert.deepEqual(store.runs.list({ flowId: 'f' }).map((r) => r.id).sort(), ['r2', 'r3', 'r4']);
});

test('a database locked by another process makes writes STORAGE_UNAVAILABLE; the store recovers once it is released', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-busy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore({ dataDir: dir, busyTimeoutMs: 20, storageCheckMs: 3_600_000, runs: { flushIntervalMs: 0 } });
  t.after(() => store.close());
  const other = new Database(join(dir, 'tributary.db'));
  t.after(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  assert.throws(() => store.runs.runStartedNow(run('busy')), (err: unknown) => err instanceof StorageError && err.code === 'STORAGE_UNAVAILABLE');
  assert.equal(store.health.problem()?.code, 'STORAGE_UNAVAILABLE');
  store.health.check();
  assert.equal(store.health.problem()?.code, 'STORAGE_UNAVAILABLE', 'still locked');
  other.exec('ROLLBACK');
  store.health.check();
  assert.equal(store.health.problem(), undefined);
  store.runs.runStartedNow(run('free'));
  assert.equal(store.runs.get('free')?.status, 'running');
});

test('free space below the floor counts as full before any write fails', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-floor-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore({ dataDir: dir, storageCheckMs: 3_600_000 });
  t.after(() => store.close());
  store.health.check();
  assert.equal(store.health.problem(), undefined, 'this machine has room');
  // the same check with a floor no disk has
  const floor = new StorageHealth({ dataDir: dir, probe: () => undefined, minFreeBytes: 2 ** 60, checkMs: 3_600_000 });
  t.after(() => floor.close());
  floor.check();
  assert.equal(floor.problem()?.code, 'STORAGE_FULL');
  assert.match(floor.problem()!.detail, /bytes free in/);
});
