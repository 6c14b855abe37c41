/**
 * Issue 8, finding 9: retention kept the last N runs per flow whatever their status, so a stream
 * of good runs pruned nearly every failed one, and it could not be set through the API. Now
 * failed runs have their own (longer) limits, per flow in `settings.retention` and server-wide
 * in TRIBUTARY_RETENTION; bad values are refused with the field named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from './server.test-support.ts';
import { parseRetention, ConfigError } from './config.ts';

interface Run { id: string; status: string }

const flowDoc = (name: string, retention?: unknown) => ({
  name,
  nodes: [
    { id: 'in', type: 'inject', params: { payload: { fail: false } } },
    { id: 'check', type: 'script', params: { code: "if (msg.payload.fail) throw new Error('bad record ' + msg.payload.n);\nreturn msg;" } },
  ],
  edges: [{ source: 'in', target: 'check' }],
  ...(retention === undefined ? {} : { settings: { retention } }),
});

/** fires `good` runs that succeed and `bad` that fail, interleaved, and waits until all ended */
async function runMany(s: TestServer, flowId: string, good: number, bad: number): Promise<void> {
  const every = Math.floor(good / bad);
  let n = 0;
  for (let i = 0; i < good + bad; i++) {
    const fail = i % (every + 1) === every && n < bad;
    if (fail) n++;
    const r = await s.api(`/api/flows/${flowId}/trigger`, { body: { nodeId: 'in', payload: { fail, n: i } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await waitFor(async () => {
    const runs = (await s.api(`/api/runs?flowId=${flowId}&limit=500`)).body as Run[];
    return runs.filter((r) => r.status !== 'running').length;
  }, (done) => done === good + bad, 60_000, `${good + bad} runs to end`);
}

const count = async (s: TestServer, flowId: string, status: string): Promise<number> =>
  ((await s.api(`/api/runs?flowId=${flowId}&status=${status}&limit=500`)).body as Run[]).length;

test('after many good runs, every failed run within the failed limits remains; per flow through the API, server-wide by TRIBUTARY_RETENTION', { timeout: 180_000 }, async () => {
  const s = await startTestServer({ config: { retention: parseRetention('{"succeeded":{"maxRuns":10},"failed":{"maxRuns":15}}') } });
  try {
    // flow A sets its own: 20 succeeded, every failed one up to 1000
    const a = await s.api('/api/flows', { body: flowDoc('A', { succeeded: { maxRuns: 20, maxAgeDays: 7 }, failed: { maxRuns: 1000, maxAgeDays: 365 } }) });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const b = await s.api('/api/flows', { body: flowDoc('B') });
    for (const id of [a.body.id, b.body.id]) assert.equal((await s.api(`/api/flows/${id}/start`, { method: 'POST' })).status, 200);
    await runMany(s, a.body.id, 300, 40);
    await runMany(s, b.body.id, 40, 20);
    assert.equal(await count(s, a.body.id, 'failed'), 40);

    const pruned = s.pruneRuns();
    assert.equal(await count(s, a.body.id, 'succeeded'), 20, 'A: its own succeeded limit');
    assert.equal(await count(s, a.body.id, 'failed'), 40, 'A: every failed run is still there');
    assert.equal(await count(s, b.body.id, 'succeeded'), 10, 'B: the server-wide succeeded limit');
    assert.equal(await count(s, b.body.id, 'failed'), 15, 'B: the server-wide failed limit');
    assert.deepEqual(pruned, { deleted: 280 + 30 + 5, succeeded: 310, failed: 5 });
    const failed = (await s.api(`/api/runs?flowId=${b.body.id}&status=failed&limit=500`)).body as Run[];
    const detail = (await s.api(`/api/runs/${failed[0]!.id}`)).body as { steps: { error?: string }[] };
    assert.match(detail.steps.find((st) => st.error)?.error ?? '', /bad record 59/, 'the newest failed runs are the ones kept');

    // set through the API on B: a new version with settings.retention takes effect at the next prune
    const put = await s.api(`/api/flows/${b.body.id}`, { method: 'PUT', body: flowDoc('B', { failed: { maxRuns: 3 } }) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual((await s.api(`/api/flows/${b.body.id}`)).body.settings, { retention: { failed: { maxRuns: 3 } } });
    s.pruneRuns();
    assert.equal(await count(s, b.body.id, 'failed'), 3);
    assert.equal(await count(s, b.body.id, 'succeeded'), 10);

    // bad values are refused with the field named, and nothing is saved
    const bad: [unknown, string][] = [
      [{ failed: { maxRuns: 0 } }, 'settings.retention.failed.maxRuns'],
      [{ succeeded: { maxAgeDays: -1 } }, 'settings.retention.succeeded.maxAgeDays'],
      [{ failed: { maxRuns: 'many' } }, 'settings.retention.failed.maxRuns'],
      [{ faild: { maxRuns: 5 } }, 'settings.retention.faild'],
      [{ failed: { keep: 5 } }, 'settings.retention.failed.keep'],
    ];
    for (const [retention, field] of bad) {
      const r = await s.api(`/api/flows/${b.body.id}`, { method: 'PUT', body: flowDoc('B', retention) });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      const paths = ((r.body as { details?: { path: string }[] }).details ?? []).map((d) => d.path);
      assert.ok(paths.includes(field), `${JSON.stringify(retention)} names ${field}: ${JSON.stringify(r.body)}`);
    }
    const versions = (await s.api(`/api/flows/${b.body.id}/versions`)).body as unknown[];
    assert.equal(versions.length, 2, 'no version was added by a refused PUT');
  } finally {
    await s.destroy();
  }
});

test('TRIBUTARY_RETENTION is checked at start, naming the field', () => {
  assert.throws(() => parseRetention('{"failed":{"maxRuns":-5}}'), (e: unknown) => e instanceof ConfigError && /TRIBUTARY_RETENTION\.failed\.maxRuns/.test(e.message));
  assert.throws(() => parseRetention('{"sucessful":{}}'), (e: unknown) => e instanceof ConfigError && /TRIBUTARY_RETENTION\.sucessful/.test(e.message));
  assert.throws(() => parseRetention('keep everything'), /TRIBUTARY_RETENTION: not JSON/);
  assert.deepEqual(parseRetention('{"failed":{"maxAgeDays":180}}'), { failed: { maxAgeDays: 180 } });
});
