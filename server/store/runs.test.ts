import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import { openStore, type Store } from './store.ts';
import type { FlushFailure } from './run-writer.ts';
import { DEFAULT_RETENTION, retentionPolicy, startRetention } from './retention.ts';

let dir: string;
let n = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-runs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function fresh(options: Parameters<typeof openStore>[0]['runs'] = {}): Store {
  return openStore({ dataDir: join(dir, `s${++n}`), runs: options });
}

function run(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id, flowId: 'f_1', flowVersion: 3, trigger: { nodeId: 't1', type: 'timer', kind: 'schedule' },
    status: 'running', startedAt: '2025-03-01T10:00:00.000Z', ...over,
  };
}

const steps: StepRecord[] = [
  { nodeId: 't1', status: 'succeeded', startedAt: '2025-03-01T10:00:00.000Z', endedAt: '2025-03-01T10:00:00.001Z', output: { payload: 1 } },
  {
    nodeId: 'db', iteration: 2, iterationPath: [0, 2], status: 'failed', startedAt: '2025-03-01T10:00:00.002Z',
    endedAt: '2025-03-01T10:00:00.003Z', input: { payload: { id: 7 } }, error: 'duplicate key', params: { table: 'x' }, attempts: 3,
  },
  { nodeId: 'log', status: 'succeeded', startedAt: '2025-03-01T10:00:00.004Z' },
];

describe('engine port (write-through)', () => {
  let store: Store;
  before(() => {
    store = fresh({ flushIntervalMs: 0 });
  });
  after(() => store.close());

  test('runStarted writes the running row; get shapes the run as SPEC §6', () => {
    store.runs.runStarted(run('r1'));
    assert.deepEqual(store.runs.get('r1'), {
      id: 'r1', flowId: 'f_1', flowVersion: 3, trigger: { nodeId: 't1', type: 'timer', kind: 'schedule' },
      status: 'running', startedAt: '2025-03-01T10:00:00.000Z', endedAt: null, steps: [],
    });
  });

  test('runFinished writes the final row, steps in order, and state only on success', () => {
    store.runs.runFinished(run('r1', { status: 'failed', endedAt: '2025-03-01T10:00:01.000Z', error: 'db failed' }), steps, [
      { flowId: 'f_1', nodeId: 'db', key: 'watermark', value: 99 },
    ]);
    assert.deepEqual(store.runs.loadNodeState('f_1', 'db'), {}, 'failed run: state dropped');
    const got = store.runs.get('r1');
    assert.equal(got?.status, 'failed');
    assert.equal(got?.error, 'db failed');
    assert.equal(got?.endedAt, '2025-03-01T10:00:01.000Z');
    assert.deepEqual(got?.steps, [
      { nodeId: 't1', status: 'succeeded', startedAt: '2025-03-01T10:00:00.000Z', endedAt: '2025-03-01T10:00:00.001Z', input: null, output: { payload: 1 } },
      {
        nodeId: 'db', iteration: 2, status: 'failed', startedAt: '2025-03-01T10:00:00.002Z', endedAt: '2025-03-01T10:00:00.003Z',
        input: { payload: { id: 7 } }, output: null, error: 'duplicate key', params: { table: 'x' }, iterationPath: [0, 2], attempts: 3,
      },
      { nodeId: 'log', status: 'succeeded', startedAt: '2025-03-01T10:00:00.004Z', endedAt: null, input: null, output: null },
    ]);

    store.runs.runStarted(run('r2'));
    store.runs.runFinished(run('r2', { status: 'succeeded', endedAt: '2025-03-01T10:00:02.000Z' }), steps.slice(0, 1), [
      { flowId: 'f_1', nodeId: 'db', key: 'watermark', value: { id: 42, at: 'x' } },
      { flowId: 'f_1', nodeId: 'db', key: 'other', value: 'v' },
    ]);
    assert.deepEqual(store.runs.loadNodeState('f_1', 'db'), { watermark: { id: 42, at: 'x' }, other: 'v' });
    // undefined deletes a key
    store.runs.commitState([{ flowId: 'f_1', nodeId: 'db', key: 'other', value: undefined }]);
    assert.deepEqual(store.runs.loadNodeState('f_1', 'db'), { watermark: { id: 42, at: 'x' } });
  });

  test('a failure inside runFinished throws and writes nothing of the run', () => {
    store.runs.runStarted(run('r3'));
    store.db.exec(`CREATE TEMP TRIGGER fail_step BEFORE INSERT ON steps WHEN NEW.node_id = 'log'
      BEGIN SELECT RAISE(ABORT, 'forced step failure'); END`);
    try {
      assert.throws(() => store.runs.runFinished(run('r3', { status: 'succeeded', endedAt: '2025-03-01T10:00:03.000Z' }), steps, [
        { flowId: 'f_1', nodeId: 'db', key: 'watermark', value: 1000 },
      ]), /forced step failure/);
    } finally {
      store.db.exec('DROP TRIGGER fail_step');
    }
    const r3 = store.runs.get('r3');
    assert.equal(r3?.status, 'running', 'run row not updated');
    assert.deepEqual(r3?.steps, [], 'no step written');
    assert.deepEqual(store.runs.loadNodeState('f_1', 'db'), { watermark: { id: 42, at: 'x' } }, 'state not written');
  });

  test('a value that cannot be serialised fails the call', () => {
    assert.throws(() => store.runs.runFinished(run('r4', { status: 'succeeded' }), [], [
      { flowId: 'f_1', nodeId: 'db', key: 'big', value: 10n },
    ]));
    assert.equal(store.runs.get('r4'), undefined);
  });
});

describe('engine port (buffered)', () => {
  test('queued writes are visible to loadNodeState and reads, and reach disk on flush', () => {
    const store = fresh({ flushIntervalMs: 60_000, maxBatch: 10_000 });
    try {
      store.runs.runStarted(run('b1'));
      store.runs.runFinished(run('b1', { status: 'succeeded', endedAt: '2025-03-01T10:00:01.000Z' }), steps, [
        { flowId: 'f_1', nodeId: 'src', key: 'wm', value: 5 },
      ]);
      store.runs.runFinished(run('b2', { status: 'failed' }), [], [{ flowId: 'f_1', nodeId: 'src', key: 'wm', value: 6 }]);
      store.runs.commitState([{ flowId: 'f_1', nodeId: 'src', key: 'seen', value: ['a'] }]);
      const raw = (): unknown => store.db.prepare('SELECT COUNT(*) FROM runs').pluck().get();
      assert.equal(raw(), 0, 'nothing written yet');
      assert.deepEqual(store.runs.loadNodeState('f_1', 'src'), { wm: 5, seen: ['a'] }, 'staged state visible');
      assert.deepEqual(store.runs.flush(), { written: 4, failed: [] });
      assert.equal(raw(), 2);
      assert.deepEqual(store.runs.loadNodeState('f_1', 'src'), { wm: 5, seen: ['a'] });
      assert.equal(store.runs.get('b1')?.steps.length, 3);
    } finally {
      store.close();
    }
  });

  test('flushes by itself after the interval and when the batch is full', async () => {
    const store = fresh({ flushIntervalMs: 10, maxBatch: 3 });
    const count = (): unknown => store.db.prepare('SELECT COUNT(*) FROM runs').pluck().get();
    try {
      store.runs.runStarted(run('t1'));
      store.runs.runStarted(run('t2'));
      assert.equal(count(), 0);
      store.runs.runStarted(run('t3'));
      assert.equal(count(), 3, 'full batch flushed at once');
      store.runs.runStarted(run('t4'));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(count(), 4, 'timer flushed');
    } finally {
      store.close();
    }
  });

  test('reads flush first', () => {
    const store = fresh({ flushIntervalMs: 60_000 });
    try {
      store.runs.runStarted(run('q1'));
      assert.equal(store.runs.list().length, 1);
      store.runs.runFinished(run('q1', { status: 'succeeded' }), steps, []);
      assert.equal(store.runs.get('q1')?.status, 'succeeded');
    } finally {
      store.close();
    }
  });

  test('a failing batch is written run by run: only the broken run is lost, none half written', () => {
    const failures: FlushFailure[] = [];
    const store = fresh({ flushIntervalMs: 60_000, maxBatch: 10_000, onFlushError: (f) => failures.push(f) });
    try {
      store.db.exec(`CREATE TEMP TRIGGER fail_step BEFORE INSERT ON steps WHEN NEW.node_id = 'poison'
        BEGIN SELECT RAISE(ABORT, 'forced step failure'); END`);
      const ok = (id: string, wm: number): void => store.runs.runFinished(run(id, { status: 'succeeded' }), steps, [
        { flowId: 'f_1', nodeId: 'src', key: 'wm', value: wm },
      ]);
      ok('g1', 1);
      store.runs.runFinished(run('bad', { status: 'succeeded' }), [
        { nodeId: 'a', status: 'succeeded', startedAt: '2025-03-01T10:00:00.000Z' },
        { nodeId: 'poison', status: 'succeeded', startedAt: '2025-03-01T10:00:00.000Z' },
      ], [{ flowId: 'f_1', nodeId: 'src', key: 'wm', value: 666 }]);
      assert.equal(store.runs.loadNodeState('f_1', 'src')['wm'], 666, 'staged before flush');
      const result = store.runs.flush();
      assert.equal(result.written, 1);
      assert.deepEqual(result.failed.map((f) => [f.runId, f.op]), [['bad', 'finish']]);
      assert.match(result.failed[0]?.error.message ?? '', /forced step failure/);
      assert.equal(failures.length, 1);
      assert.equal(store.runs.get('bad'), undefined, 'no run row');
      assert.equal(store.db.prepare("SELECT COUNT(*) FROM steps WHERE run_id = 'bad'").pluck().get(), 0, 'no steps');
      assert.deepEqual(store.runs.loadNodeState('f_1', 'src'), { wm: 1 }, 'its state never landed');
      assert.equal(store.runs.get('g1')?.steps.length, 3, 'the good run is stored');
    } finally {
      store.close();
    }
  });

  test('close flushes; writes after close throw', () => {
    const d = join(dir, 'close');
    const store = openStore({ dataDir: d, runs: { flushIntervalMs: 60_000 } });
    store.runs.runStarted(run('c1'));
    store.close();
    assert.throws(() => store.runs.runStarted(run('c2')), /closed/);
    const again = openStore({ dataDir: d });
    try {
      assert.equal(again.runs.get('c1')?.status, 'running');
      assert.equal(again.runs.markInterrupted(new Date('2025-03-02T00:00:00.000Z')), 1);
      const c1 = again.runs.get('c1');
      assert.equal(c1?.status, 'failed');
      assert.match(c1?.error ?? '', /interrupted/);
    } finally {
      again.close();
    }
  });

  test('throughput: 2,000 runs × 10 steps', () => {
    const store = fresh();
    try {
      const t0 = performance.now();
      for (let i = 0; i < 2000; i++) {
        const startedAt = new Date(Date.UTC(2025, 0, 1) + i).toISOString();
        const r = run(`p${i}`, { startedAt });
        store.runs.runStarted(r);
        const s: StepRecord[] = Array.from({ length: 10 }, (_, k) => ({
          nodeId: `n${k}`, status: 'succeeded', startedAt, endedAt: startedAt, input: { payload: { i } }, output: { payload: { i, ok: true } },
        }));
        store.runs.runFinished({ ...r, status: 'succeeded', endedAt: startedAt }, s, [{ flowId: 'f_1', nodeId: 'n0', key: 'wm', value: i }]);
      }
      store.runs.flush();
      const ms = performance.now() - t0;
      assert.equal(store.db.prepare('SELECT COUNT(*) FROM steps').pluck().get(), 20000);
      assert.deepEqual(store.runs.loadNodeState('f_1', 'n0'), { wm: 1999 });
      assert.ok(ms < 3000, `took ${ms} ms`);
    } finally {
      store.close();
    }
  });
});

describe('run queries and retention', () => {
  let store: Store;
  before(() => {
    store = fresh({ flushIntervalMs: 0 });
    // flow A: 10 runs one minute apart; flow B: 3 runs; one old running run of A
    for (let i = 0; i < 10; i++) {
      store.runs.runFinished(run(`a${i}`, {
        flowId: 'f_A', status: i % 3 === 0 ? 'failed' : 'succeeded',
        startedAt: new Date(Date.UTC(2025, 5, 1, 12, i)).toISOString(),
      }), [], []);
    }
    for (let i = 0; i < 3; i++) {
      store.runs.runFinished(run(`b${i}`, { flowId: 'f_B', status: 'succeeded', startedAt: new Date(Date.UTC(2025, 5, 1, 12, i)).toISOString() }), [], []);
    }
    store.runs.runStarted(run('a-old-running', { flowId: 'f_A', startedAt: '2025-01-01T00:00:00.000Z' }));
  });
  after(() => store.close());

  test('list: newest first, filters, limit, before cursor, no steps', () => {
    const all = store.runs.list();
    assert.equal(all.length, 14);
    assert.equal(all[0]?.id, 'a9');
    assert.ok(all.every((r, i) => i === 0 || (all[i - 1]?.startedAt ?? '') >= r.startedAt));
    assert.ok(all.every((r) => !('steps' in r)));
    assert.deepEqual(store.runs.list({ flowId: 'f_B' }).map((r) => r.id), ['b2', 'b1', 'b0']);
    assert.deepEqual(store.runs.list({ flowId: 'f_A', status: 'failed' }).map((r) => r.id), ['a9', 'a6', 'a3', 'a0']);
    const page1 = store.runs.list({ flowId: 'f_A', limit: 4 });
    assert.deepEqual(page1.map((r) => r.id), ['a9', 'a8', 'a7', 'a6']);
    const page2 = store.runs.list({ flowId: 'f_A', limit: 4, before: page1[3]?.startedAt });
    assert.deepEqual(page2.map((r) => r.id), ['a5', 'a4', 'a3', 'a2']);
    assert.equal(store.runs.list({ limit: 100000 }).length, 14, 'limit is capped, not an error');
    assert.equal(store.runs.list({ status: 'running' })[0]?.id, 'a-old-running');
    assert.throws(() => store.runs.list({ before: 'yesterday' }), /before/);
  });

  test('prune keeps the newest N of each class per flow and drops old runs, never running ones', () => {
    const now = new Date('2025-06-20T00:00:00.000Z');
    const limits = (maxRuns: number, maxAgeDays: number) => ({ maxRuns, maxAgeDays });
    // A has 6 succeeded (a1 a2 a4 a5 a7 a8) and 4 failed (a0 a3 a6 a9)
    assert.deepEqual(store.runs.prune({ succeeded: limits(2, 365), failed: limits(3, 365) }, now), { deleted: 6, succeeded: 5, failed: 1 });
    assert.deepEqual(store.runs.list({ flowId: 'f_A' }).map((r) => r.id), ['a9', 'a8', 'a7', 'a6', 'a3', 'a-old-running']);
    assert.equal(store.runs.list({ flowId: 'f_B' }).length, 2, 'B: its 2 newest');
    // 19 days later than June 1: a 10-day limit takes the succeeded, a 30-day limit keeps the failed
    assert.deepEqual(store.runs.prune({ succeeded: limits(1000, 10), failed: limits(1000, 30) }, now), { deleted: 4, succeeded: 4, failed: 0 });
    assert.deepEqual(store.runs.list().map((r) => r.id), ['a9', 'a6', 'a3', 'a-old-running']);
    // a policy per flow
    assert.deepEqual(store.runs.prune((flowId) => ({ succeeded: limits(1000, 365), failed: limits(flowId === 'f_A' ? 1 : 1000, 365) }), now).deleted, 2);
    assert.deepEqual(store.runs.list().map((r) => r.id), ['a9', 'a-old-running']);
  });

  test('retention policy from settings (older shape too); startRetention prunes and never holds the process', () => {
    assert.deepEqual(retentionPolicy(store.settings), DEFAULT_RETENTION);
    assert.ok(DEFAULT_RETENTION.failed.maxRuns > DEFAULT_RETENTION.succeeded.maxRuns && DEFAULT_RETENTION.failed.maxAgeDays > DEFAULT_RETENTION.succeeded.maxAgeDays);
    store.settings.set('retention', { maxRunsPerFlow: 2, maxAgeDays: -1 });
    assert.deepEqual(retentionPolicy(store.settings), { succeeded: { maxRuns: 2, maxAgeDays: 30 }, failed: DEFAULT_RETENTION.failed });
    store.settings.set('retention', { succeeded: { maxRuns: 2 }, failed: { maxAgeDays: 400 } });
    assert.deepEqual(retentionPolicy(store.settings), { succeeded: { maxRuns: 2, maxAgeDays: 30 }, failed: { maxRuns: 10_000, maxAgeDays: 400 } });
    for (let i = 0; i < 5; i++) {
      store.runs.runFinished(run(`c${i}`, { flowId: 'f_C', status: 'succeeded', startedAt: new Date(Date.now() - i * 1000).toISOString() }), steps, []);
    }
    const timer = startRetention(store, { intervalMs: 60_000 });
    try {
      // C's 3 oldest by count, and A's failed a9 by the 400-day age
      assert.deepEqual(timer.runNow(), { deleted: 4, succeeded: 3, failed: 1 });
      assert.equal(store.runs.list({ flowId: 'f_C' }).length, 2);
      assert.equal(store.db.prepare("SELECT COUNT(*) FROM steps WHERE run_id IN ('c2','c3','c4')").pluck().get(), 0, 'steps cascade');
    } finally {
      timer.stop();
    }
  });
});

describe('node state admin', () => {
  test('set/delete flush queued runs first so the admin value wins', () => {
    const store = fresh({ flushIntervalMs: 60_000 });
    try {
      store.runs.runFinished(run('s1', { status: 'succeeded' }), [], [{ flowId: 'f_1', nodeId: 'n', key: 'wm', value: 1 }]);
      store.nodeState.set('f_1', 'n', 'wm', 0);
      store.nodeState.set('f_1', 'n', 'x', { a: 1 });
      assert.deepEqual(store.nodeState.load('f_1', 'n'), { wm: 0, x: { a: 1 } });
      assert.deepEqual(store.nodeState.list('f_1').map((e) => [e.nodeId, e.key, e.value]), [['n', 'wm', 0], ['n', 'x', { a: 1 }]]);
      assert.equal(store.nodeState.delete('f_1', 'n', 'x'), 1);
      assert.equal(store.nodeState.delete('f_1', 'n'), 1);
      assert.deepEqual(store.nodeState.load('f_1', 'n'), {});
    } finally {
      store.close();
    }
  });
});
