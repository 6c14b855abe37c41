// The server on a data directory whose disk fills up: nothing is reported accepted that was
// not stored, writes answer 507/503 with a stable code instead of a bare 500, the process
// stays up, and once space returns everything works again without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor, TEST_ADMIN_PASSWORD } from './server.test-support.ts';
import { fullDiskServer, health, recovered, runningFlow } from './full-disk.test-support.ts';

/** under the max_page_count fallback a small write that fits a page already allocated still succeeds */
const FALLBACK_NOTE = 'max_page_count fallback: writes that need no new page still succeed, so only the invariants are asserted (no 500, every 200 stored, state only with its run)';

const FULL_TRIGGER = { error: 'the run could not be recorded: storage is full', code: 'STORAGE_FULL' };

test('600 triggers on a full disk: every 200 names a stored run, the rest are 503 STORAGE_FULL; recovery without a restart', async (t) => {
  const { srv, disk } = await fullDiskServer(t);
  if (disk.mechanism !== 'tmpfs') t.diagnostic(FALLBACK_NOTE);
  const flowId = await runningFlow(srv, [{ id: 'in', type: 'inject', params: { payload: 1 } }, { id: 'out', type: 'log', params: {} }], [{ source: 'in', target: 'out' }]);
  const before = await srv.api(`/api/flows/${flowId}/trigger`, { body: {} });
  assert.equal(before.status, 200);

  srv.store.flush();
  disk.fill(srv.store.db);
  const answers: { status: number; body: any }[] = [];
  for (let i = 0; i < 600; i += 50) {
    answers.push(...await Promise.all(Array.from({ length: 50 }, () => srv.api(`/api/flows/${flowId}/trigger`, { body: { payload: i } }))));
  }
  const accepted = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 503);
  assert.equal(accepted.length + refused.length, 600, `only 200 or 503: ${JSON.stringify([...new Set(answers.map((a) => a.status))])}`);
  // a 200 is a promise that the run is stored: readable now, while the disk is still full
  for (const a of accepted) assert.equal((await srv.api(`/api/runs/${a.body.runId}`)).status, 200, `run ${a.body.runId} answered 200 but is not stored`);
  for (const r of refused) assert.deepEqual(r.body, FULL_TRIGGER);
  if (disk.mechanism === 'tmpfs') assert.ok(refused.length > 0, 'a full disk refuses triggers');

  const degraded = await health(srv);
  if (disk.mechanism === 'tmpfs' || degraded.status !== 200) {
    assert.equal(degraded.status, 503);
    assert.deepEqual(degraded.body, { status: 'degraded', version: degraded.body.version, storage: 'full' });
  }
  assert.equal(typeof degraded.body.version, 'string');

  disk.free(srv.store.db);
  await recovered(srv);
  assert.deepEqual((await health(srv)).body, { status: 'ok', version: degraded.body.version });
  const after = await srv.api(`/api/flows/${flowId}/trigger`, { body: {} });
  assert.equal(after.status, 200, JSON.stringify(after.body));
  await waitFor(() => srv.api(`/api/runs/${after.body.runId}`), (r) => r.body?.status === 'succeeded', 5000, 'the run after recovery');
  for (const a of accepted) assert.equal((await srv.api(`/api/runs/${a.body.runId}`)).status, 200);
});

test('API writes on a full disk answer 507 STORAGE_FULL, never a bare 500, and work again once space returns', async (t) => {
  const { srv, disk } = await fullDiskServer(t);
  const strict = disk.mechanism === 'tmpfs';
  if (!strict) t.diagnostic(FALLBACK_NOTE);
  const flow = await srv.api('/api/flows', { body: { name: `saved-${process.pid}`, nodes: [{ id: 'in', type: 'inject', params: {} }], edges: [] } });
  assert.equal(flow.status, 201);
  const flowDoc = { name: flow.body.name, nodes: [{ id: 'in', type: 'inject', params: { payload: 2 } }], edges: [] };
  let n = 0;
  const tag = () => `${process.pid}-${Math.random().toString(36).slice(2, 8)}-${++n}`;
  const writes: [string, () => Promise<{ status: number; body: any }>][] = [
    ['login', () => srv.api('/api/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD }, token: null })],
    ['flow save', () => srv.api(`/api/flows/${flow.body.id}`, { method: 'PUT', body: flowDoc })],
    ['flow create', () => srv.api('/api/flows', { body: { ...flowDoc, name: `new-${tag()}` } })],
    ['connection create', () => srv.api('/api/connections', { body: { name: `pg-${tag()}`, type: 'postgres', environment: 'test', params: { host: '127.0.0.1', port: 5432, database: 'postgres', user: 'postgres' } } })],
    ['user create', () => srv.api('/api/users', { body: { username: `u-${tag()}`, password: 'a-long-password-1', role: 'viewer' } })],
    ['flow start', () => srv.api(`/api/flows/${flow.body.id}/start`, { method: 'POST' })],
  ];

  srv.store.flush();
  disk.fill(srv.store.db);
  const refused = new Set<string>();
  for (const [what, write] of writes) {
    const res = await write();
    assert.notEqual(res.status, 500, `${what}: ${JSON.stringify(res.body)}`);
    if (strict || res.status >= 300) {
      assert.equal(res.status, 507, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'STORAGE_FULL', what);
      assert.match(res.body.error, /^storage full: /, what);
      refused.add(what);
    }
  }
  // nothing half written: a refused save made no version, a start that could not be recorded runs nothing
  assert.equal((await srv.api(`/api/flows/${flow.body.id}`)).body.version, refused.has('flow save') ? 1 : 2);
  assert.equal(srv.engine.isRunning(flow.body.id), !refused.has('flow start'));
  if (strict) assert.equal((await health(srv)).status, 503);

  disk.free(srv.store.db);
  await recovered(srv);
  for (const [what, write] of writes) {
    const res = await write();
    assert.ok(res.status === 200 || res.status === 201, `${what} after recovery: ${res.status} ${JSON.stringify(res.body)}`);
  }
});

test('a run in flight when the disk fills settles failed and commits no node state', async (t) => {
  const { srv, disk } = await fullDiskServer(t);
  const strict = disk.mechanism === 'tmpfs';
  if (!strict) t.diagnostic(FALLBACK_NOTE);
  // a large output, so that under the fallback too its end needs new pages
  const code = "const n = (ctx.state.get('n') ?? 0) + 1; ctx.state.set('n', n); await new Promise((r) => setTimeout(r, msg.payload.wait)); return { payload: { n, pad: 'x'.repeat(msg.payload.pad ?? 0) } };";
  const flowId = await runningFlow(srv, [
    { id: 'in', type: 'inject', params: {} },
    { id: 'count', type: 'script', params: { code, timeoutMs: 10_000 } },
  ], [{ source: 'in', target: 'count' }]);
  const outputOf = async (runId: string) => {
    const run = await waitFor(() => srv.api(`/api/runs/${runId}`), (r) => r.status === 200 && r.body.status !== 'running', 10_000, `run ${runId} ended`);
    return run.body;
  };
  const committed = () => srv.store.nodeState.list(flowId).find((e) => e.nodeId === 'count' && e.key === 'n')?.value;

  const first = await srv.api(`/api/flows/${flowId}/trigger`, { body: { payload: { wait: 0 } } });
  assert.equal((await outputOf(first.body.runId)).steps[1].output.payload.n, 1);
  assert.equal(committed(), 1);

  const inFlight = await srv.api(`/api/flows/${flowId}/trigger`, { body: { payload: { wait: 1500, pad: 200_000 } } });
  assert.equal(inFlight.status, 200, 'its start was stored before the disk filled');
  srv.store.flush();
  disk.fill(srv.store.db);
  // it ends while the disk is full: its end and its state cannot be written
  await waitFor(async () => srv.engine.activeRuns(flowId), (n) => n === 0, 10_000, 'the run in flight ended');
  await new Promise((r) => setTimeout(r, 100));
  if (strict) assert.equal(committed(), 1, 'the state of a run whose end was not stored is not committed');

  disk.free(srv.store.db);
  await recovered(srv);
  const lost = await outputOf(inFlight.body.runId);
  if (strict) assert.equal(lost.status, 'failed');
  // its state is committed exactly when its end is stored as a success
  const kept = lost.status === 'succeeded' ? 2 : 1;
  if (lost.status !== 'succeeded') assert.deepEqual([lost.status, lost.error], ['failed', 'the run could not be recorded: storage is full']);
  assert.equal(committed(), kept);
  // the next run counts on from the committed value, not from the lost run's
  const next = await srv.api(`/api/flows/${flowId}/trigger`, { body: { payload: { wait: 0 } } });
  assert.equal(next.status, 200);
  assert.equal((await outputOf(next.body.runId)).steps[1].output.payload.n, kept + 1);
  assert.equal(committed(), kept + 1);
});

test('http-in on a full disk answers 503 STORAGE_FULL without running the flow, and 200 again after recovery', async (t) => {
  const { srv, disk } = await fullDiskServer(t);
  const path = `full-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const flowId = await runningFlow(srv, [
    { id: 'in', type: 'http-in', params: { method: 'POST', path } },
    { id: 'reply', type: 'http-response', params: { body: { ok: true, n: '${payload.n}' } } },
  ], [{ source: 'in', target: 'reply' }]);
  const post = async (n: number) => {
    const res = await fetch(`${srv.url}/hooks/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) });
    return { status: res.status, body: await res.json() as Record<string, unknown>, runId: res.headers.get('x-tributary-run') };
  };
  const ok = await post(1);
  assert.deepEqual([ok.status, ok.body], [200, { ok: true, n: 1 }]);

  srv.store.flush();
  disk.fill(srv.store.db);
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => post(i)));
  for (const a of answers) {
    if (a.status === 200) assert.equal((await srv.api(`/api/runs/${a.runId}`)).status, 200, 'a 200 names a stored run');
    else assert.deepEqual([a.status, a.body], [503, FULL_TRIGGER]);
  }
  if (disk.mechanism === 'tmpfs') assert.ok(answers.some((a) => a.status === 503));

  disk.free(srv.store.db);
  await recovered(srv);
  const again = await post(7);
  assert.deepEqual([again.status, again.body], [200, { ok: true, n: 7 }]);
  await waitFor(() => srv.api(`/api/runs/${again.runId}`), (r) => r.body?.status === 'succeeded', 5000, 'the run after recovery');
  void flowId;
});

test('a timer refused for lack of storage warns once, shows it on the node, and records runs again by itself', async (t) => {
  const { srv, disk, logs } = await fullDiskServer(t);
  const strict = disk.mechanism === 'tmpfs';
  if (!strict) t.diagnostic(`${FALLBACK_NOTE}; a tick's run may still be stored, so the refusal itself is asserted on tmpfs only`);
  const flowId = await runningFlow(srv, [
    { id: 'tick', type: 'timer', params: { unit: 'second', interval: 1 } },
    { id: 'out', type: 'log', params: {} },
  ], [{ source: 'tick', target: 'out' }]);
  const runs = async () => (await srv.api(`/api/runs?flowId=${flowId}&limit=500`)).body as { id: string; status: string; startedAt: string }[];
  await waitFor(runs, (r) => r.length >= 1, 5000, 'a first tick');

  srv.store.flush();
  disk.fill(srv.store.db);
  if (strict) {
    const status = await waitFor(() => srv.api(`/api/flows/${flowId}/status`), (r) => r.body?.nodes?.tick?.storage === 'STORAGE_FULL', 8000, 'the storage condition on the timer');
    assert.equal(status.body.nodes.tick.state, 'error');
    assert.match(status.body.nodes.tick.text, /storage full: new runs are refused/);
  }
  await new Promise((r) => setTimeout(r, 2500)); // more ticks are refused
  const warnings = logs.filter((l) => l.level === 'warn' && l['flowId'] === flowId && /could not be recorded/.test(l.msg));
  if (strict) assert.equal(warnings.length, 1, `warned once per condition, not per tick: ${JSON.stringify(warnings)}`);
  else assert.ok(warnings.length <= 1, `warned at most once: ${JSON.stringify(warnings)}`);

  disk.free(srv.store.db);
  await recovered(srv);
  await waitFor(() => srv.api(`/api/flows/${flowId}/status`), (r) => r.body?.nodes?.tick?.storage === undefined && r.body?.nodes?.tick?.state === 'ok', 5000, 'the timer status without the condition');
  const recoveredAt = new Date().toISOString();
  await waitFor(runs, (r) => r.some((x) => x.startedAt > recoveredAt && x.status === 'succeeded'), 5000, 'a tick recorded after recovery');
  if (warnings.length > 0) assert.ok(logs.some((l) => l.level === 'info' && l['flowId'] === flowId && /can write again/.test(l.msg)));
});
