import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument } from '../../../core/flow-types.ts';
import { testEngine } from '../../../server/engine/engine.test-support.ts';
import { injectSpec } from '../../../nodes/inject/spec.ts';
import { injectRuntime } from '../../../nodes/inject/runtime.ts';
import { setSpec } from '../../../nodes/set/spec.ts';
import { setRuntime } from '../../../nodes/set/runtime.ts';
import { httpInSpec } from '../http-in/spec.ts';
import { httpInRuntime } from '../http-in/runtime.ts';
import { flow, hooksServer } from '../http.test-support.ts';
import { httpResponseSpec } from './spec.ts';
import { httpResponseRuntime } from './runtime.ts';

const specs = [injectSpec, setSpec, httpInSpec, httpResponseSpec];
const runtimes = [injectRuntime, setRuntime, httpInRuntime, httpResponseRuntime];

async function call(doc: FlowDocument, init: RequestInit & { path?: string } = {}) {
  const { engine, store, hooks } = testEngine(specs, runtimes);
  const server = await hooksServer(hooks);
  try {
    await engine.start('f1', 1, doc);
    const res = await fetch(`${server.url}/hooks/${init.path ?? 'r'}`, { method: 'POST', ...init });
    const text = await res.text();
    const runId = res.headers.get('x-tributary-run')!;
    await engine.shutdown();
    return { res, text, run: store.runs.get(runId)! };
  } finally {
    await engine.shutdown();
    await server.close();
  }
}

const answer = (params: Record<string, unknown>, before: Record<string, unknown>[] = []) =>
  flow(
    [{ id: 'in', type: 'http-in', params: { path: 'r' } }, ...before, { id: 'out', type: 'http-response', params }],
    before.length ? [['in', before[0]!['id'] as string], [before[0]!['id'] as string, 'out']] : [['in', 'out']],
  );

test('the default body is the payload; objects go out as JSON', async () => {
  const { res, text } = await call(answer({}), { headers: { 'content-type': 'application/json' }, body: '{"a":[1,2]}' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(JSON.parse(text), { a: [1, 2] });
});

test('a text body is sent as text/plain unless a content type is given', async () => {
  const plain = await call(answer({ body: 'hello ${payload.name}' }), { headers: { 'content-type': 'application/json' }, body: '{"name":"ann"}' });
  assert.equal(plain.text, 'hello ann');
  assert.match(plain.res.headers.get('content-type') ?? '', /^text\/plain/);
  const xml = await call(answer({ body: '<a>${payload.name}</a>', headers: { 'Content-Type': 'application/xml' } }), {
    headers: { 'content-type': 'application/json' }, body: '{"name":"ann"}',
  });
  assert.equal(xml.text, '<a>ann</a>');
  assert.match(xml.res.headers.get('content-type') ?? '', /^application\/xml/);
});

test('status and headers may be expressions; a null body sends nothing', async () => {
  const { res, text, run } = await call(
    answer({ status: '${payload.code}', headers: { 'X-Count': '${payload.n}', 'X-Skip': null }, body: null }),
    { headers: { 'content-type': 'application/json' }, body: '{"code":202,"n":5}' },
  );
  assert.equal(res.status, 202);
  assert.equal(res.headers.get('x-count'), '5');
  assert.equal(res.headers.get('x-skip'), null);
  assert.equal(text, '');
  assert.deepEqual(run.steps.find((s) => s.nodeId === 'out')!.logs, ['answered 202']);
});

test('the first http-response wins; a later one is traced and dropped, the run succeeds', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'http-in', params: { path: 'r' } },
      { id: 'a', type: 'http-response', params: { status: 201, body: 'first' } },
      { id: 's', type: 'set', params: { fields: { x: 1 } } },
      { id: 'b', type: 'http-response', params: { status: 409, body: 'second' } },
    ],
    [['in', 'a'], ['in', 's'], ['s', 'b']],
  );
  const { res, text, run } = await call(doc);
  assert.equal(res.status, 201);
  assert.equal(text, 'first');
  assert.equal(run.status, 'succeeded');
  assert.match(run.steps.find((s) => s.nodeId === 'b')!.logs?.[0] ?? '', /already answered .* 409 was dropped/);
});

test('a bad header name or status fails the step with a clear error', async () => {
  const bad = await call(answer({ headers: { 'Bad Header': 'x' } }));
  assert.equal(bad.res.status, 500);
  assert.match(bad.run.steps.find((s) => s.nodeId === 'out')!.error ?? '', /"Bad Header" is not a valid header name/);
  const status = await call(answer({ status: 700 }));
  assert.equal(status.res.status, 500);
});

test('outside a run started by http-in there is no request to answer: a clear step error', async () => {
  const { engine, store } = testEngine(specs, runtimes);
  await engine.start('f1', 1, flow([{ id: 'i', type: 'inject', params: { payload: 1 } }, { id: 'out', type: 'http-response', params: {} }], [['i', 'out']]));
  const fired = engine.trigger('f1', undefined, undefined, false);
  const outcome = await fired.done;
  await engine.shutdown();
  assert.equal(outcome.status, 'failed');
  const step = store.runs.get(fired.runId)!.steps.find((s) => s.nodeId === 'out')!;
  assert.match(step.error ?? '', /no HTTP request is waiting for an answer: http-response works only in runs started by an http-in node/);
});

test('answers are sandboxed pages (CSP sandbox, nosniff); allowScripts lets scripts run without same-origin', async () => {
  const html = { body: '<script>1</script>', headers: { 'Content-Type': 'text/html' } };
  const strict = await call(answer(html));
  assert.equal(strict.res.headers.get('content-security-policy'), 'sandbox');
  assert.equal(strict.res.headers.get('x-content-type-options'), 'nosniff');
  const scripts = await call(answer({ ...html, allowScripts: true }));
  const csp = scripts.res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /^sandbox .*allow-scripts/);
  assert.doesNotMatch(csp, /allow-same-origin/);
  assert.equal(scripts.text, '<script>1</script>');
});
