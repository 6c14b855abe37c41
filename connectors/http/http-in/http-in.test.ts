import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FlowDocument, StepRecord } from '../../../core/flow-types.ts';
import type { NodeSpec } from '../../../core/node-spec.ts';
import type { NodeRuntime } from '../../../server/engine/node-api.ts';
import type { ConnectionProfileResolved } from '../../../server/connections/driver-api.ts';
import { directConnections, testEngine, type MemoryStorePort, type TestEngineOptions } from '../../../server/engine/engine.test-support.ts';
import { httpDriver } from '../driver.ts';
import { setSpec } from '../../../nodes/set/spec.ts';
import { setRuntime } from '../../../nodes/set/runtime.ts';
import { httpResponseSpec } from '../http-response/spec.ts';
import { httpResponseRuntime } from '../http-response/runtime.ts';
import { flow, hooksServer } from '../http.test-support.ts';
import { httpInNode, httpInSpec } from './spec.ts';
import { httpInRuntime } from './runtime.ts';

/** test-only: passes the message on after `ms` */
const delaySpec: NodeSpec = {
  type: 'delay', category: 'function', label: 'Delay', inputs: ['in'], outputs: ['out'],
  paramsSchema: { type: 'object', properties: { ms: { type: 'integer' } } },
};
const delayRuntime: NodeRuntime = {
  type: 'delay',
  create: () => ({
    async onMessage(msg, io) {
      await new Promise((r) => setTimeout(r, Number(io.params['ms'] ?? 0)));
      io.send(msg);
    },
  }),
};

const specs = [httpInSpec, httpResponseSpec, setSpec, delaySpec];
const runtimes = [httpInRuntime, httpResponseRuntime, setRuntime, delayRuntime];

async function serve(doc: FlowDocument, options: TestEngineOptions = {}) {
  const { engine, store, hooks } = testEngine(specs, runtimes, options);
  const server = await hooksServer(hooks);
  await engine.start('f1', 1, doc);
  return {
    engine, store, hooks,
    hook: (path: string) => `${server.url}/hooks/${path}`,
    async close() {
      await engine.shutdown();
      await server.close();
    },
  };
}

async function ended(store: MemoryStorePort, runId: string) {
  for (let i = 0; i < 200; i++) {
    const run = store.runs.get(runId);
    if (run && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${runId} did not end`);
}

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

const orderFlow = (inParams: Record<string, unknown>) =>
  flow(
    [
      { id: 'in', type: 'http-in', params: { method: 'POST', path: 'orders/:id', ...inParams } },
      { id: 's1', type: 'set', params: { fields: { 'payload.orderId': '${req.params.id}', 'payload.source': '${req.query.src}', 'payload.qty': '${payload.qty}' } } },
      { id: 'out', type: 'http-response', params: { status: 201, headers: { 'X-Order': 'order-${payload.orderId}' } } },
    ],
    [['in', 's1'], ['s1', 'out']],
  );

test('http-in → set → http-response answers with the computed body, status and headers', async () => {
  const s = await serve(orderFlow({}));
  try {
    const res = await fetch(s.hook('orders/42?src=web'), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ qty: 3 }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-order'), 'order-42');
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await res.json(), { qty: 3, orderId: '42', source: 'web' });
    const runId = res.headers.get('x-tributary-run');
    assert.ok(runId);
    const run = await ended(s.store, runId);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.trigger.kind, 'event');
    const msg = run.steps[0]!.output as { payload: unknown; req: { params: unknown; query: unknown; method: string; path: string; headers: Record<string, unknown> } };
    assert.deepEqual(msg.payload, { qty: 3 });
    assert.deepEqual(msg.req.params, { id: '42' });
    assert.deepEqual(msg.req.query, { src: 'web' });
    assert.equal(msg.req.method, 'POST');
    assert.equal(msg.req.path, '/orders/42');
    assert.equal(msg.req.headers['content-type'], 'application/json');
  } finally {
    await s.close();
  }
});

test('text and form bodies reach the payload; without http-response a succeeded run answers 200 {runId}', async () => {
  const doc = flow([{ id: 'in', type: 'http-in', params: { method: 'ANY', path: '/echo/' } }, { id: 's1', type: 'set', params: { fields: { seen: '${payload}' } } }], [['in', 's1']]);
  const s = await serve(doc);
  try {
    const res = await fetch(s.hook('echo'), { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { runId: string };
    assert.equal(body.runId, res.headers.get('x-tributary-run'));
    const run = await ended(s.store, body.runId);
    assert.equal((run.steps[0]!.output as { payload: unknown }).payload, 'hello');

    const form = await fetch(s.hook('echo'), { method: 'POST', body: new URLSearchParams({ a: '1', b: 'x' }) });
    const formRun = await ended(s.store, ((await form.json()) as { runId: string }).runId);
    assert.deepEqual((formRun.steps[0]!.output as { payload: unknown }).payload, { a: '1', b: 'x' });

    const get = await fetch(s.hook('echo?x=1'));
    assert.equal(get.status, 200, 'ANY serves GET too');
  } finally {
    await s.close();
  }
});

test('basic auth: good credentials pass, bad or missing ones get 401 with a Basic challenge; the header is masked', async () => {
  const s = await serve(orderFlow({ auth: 'basic', username: 'ann', password: 'p@ss:word' }));
  try {
    const ok = await fetch(s.hook('orders/1'), { method: 'POST', headers: { authorization: basic('ann', 'p@ss:word') } });
    assert.equal(ok.status, 201);
    const run = await ended(s.store, ok.headers.get('x-tributary-run')!);
    const headers = (run.steps[0]!.output as { req: { headers: Record<string, unknown> } }).req.headers;
    assert.equal(headers['authorization'], '***');

    for (const authorization of [basic('ann', 'wrong'), basic('bob', 'p@ss:word'), 'Bearer p@ss:word', undefined]) {
      const res = await fetch(s.hook('orders/1'), { method: 'POST', headers: authorization ? { authorization } : {} });
      assert.equal(res.status, 401, String(authorization));
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="tributary"/);
      assert.equal(res.headers.get('x-tributary-run'), null, 'no run is started');
      assert.ok(((await res.json()) as { error: string }).error);
    }
    assert.equal([...s.store.runs.values()].length, 1);
  } finally {
    await s.close();
  }
});

test('bearer auth accepts the token and rejects others', async () => {
  const s = await serve(orderFlow({ auth: 'bearer', token: 'tok-123' }));
  try {
    assert.equal((await fetch(s.hook('orders/1'), { method: 'POST', headers: { authorization: 'Bearer tok-123' } })).status, 201);
    const bad = await fetch(s.hook('orders/1'), { method: 'POST', headers: { authorization: 'Bearer tok-124' } });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /invalid_token/);
    assert.equal((await fetch(s.hook('orders/1'), { method: 'POST' })).status, 401);
  } finally {
    await s.close();
  }
});

test('apiKey auth checks the configured header', async () => {
  const s = await serve(orderFlow({ auth: 'apiKey', apiKeyHeader: 'X-Hook-Key', apiKey: 'k1' }));
  try {
    const ok = await fetch(s.hook('orders/7'), { method: 'POST', headers: { 'x-hook-key': 'k1' } });
    assert.equal(ok.status, 201);
    const run = await ended(s.store, ok.headers.get('x-tributary-run')!);
    assert.equal((run.steps[0]!.output as { req: { headers: Record<string, unknown> } }).req.headers['x-hook-key'], '***');
    assert.equal((await fetch(s.hook('orders/7'), { method: 'POST', headers: { 'x-hook-key': 'k2' } })).status, 401);
    assert.equal((await fetch(s.hook('orders/7'), { method: 'POST', headers: { 'x-api-key': 'k1' } })).status, 401);
  } finally {
    await s.close();
  }
});

test('an http connection can supply the credentials callers must present', async () => {
  const profile: ConnectionProfileResolved = {
    id: 'c1', name: 'partner', type: 'http', environment: 'test',
    params: { baseUrl: 'http://partner.example', auth: 'bearer' }, secrets: { secret: 'from-conn' },
  };
  const connections = directConnections([httpDriver], [profile]);
  const s = await serve(orderFlow({ connection: 'c1' }), { connections });
  try {
    assert.equal((await fetch(s.hook('orders/1'), { method: 'POST', headers: { authorization: 'Bearer from-conn' } })).status, 201);
    assert.equal((await fetch(s.hook('orders/1'), { method: 'POST', headers: { authorization: 'Bearer nope' } })).status, 401);
  } finally {
    await s.close();
    await connections.closeAll();
  }
});

test('a binary body reaches the flow as bytes and is traced as a $binary summary with its media type', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'http-in', params: { method: 'POST', path: 'upload' } },
      { id: 'out', type: 'http-response', params: { status: 200, headers: { 'content-type': 'application/pdf' } } },
    ],
    [['in', 'out']],
  );
  const s = await serve(doc);
  try {
    const bytes = Buffer.from('%PDF-1.7 \x00\x01\x02 binary body', 'latin1');
    const res = await fetch(s.hook('upload'), { method: 'POST', headers: { 'content-type': 'application/pdf; name=x' }, body: bytes });
    assert.equal(res.status, 200);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(bytes), 'the flow had the bytes themselves');
    const run = await ended(s.store, res.headers.get('x-tributary-run')!);
    const summary = { type: 'application/pdf', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.toString('base64') };
    assert.deepEqual((run.steps[0]!.output as { payload: unknown }).payload, { $binary: summary });
    assert.deepEqual((run.steps[1]!.input as { payload: unknown }).payload, { $binary: summary }, 'the next step too');
  } finally {
    await s.close();
  }
});

test('a body over maxBodyBytes gets 413; another method gets 405; an unknown path 404', async () => {
  const s = await serve(orderFlow({ maxBodyBytes: 16 }));
  try {
    const big = await fetch(s.hook('orders/1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(100) }) });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as { error: string }).error, /16 bytes/);
    const small = await fetch(s.hook('orders/1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"qty":1}' });
    assert.equal(small.status, 201);
    assert.equal((await fetch(s.hook('orders/1'), { method: 'GET' })).status, 405);
    assert.equal((await fetch(s.hook('nothing/here'), { method: 'POST' })).status, 404);
  } finally {
    await s.close();
  }
});

test('a failed run answers 500 FLOW_FAILED with the run id; why is in the run, not in the answer (SPEC §7)', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'http-in', params: { path: 'fail' } },
      { id: 'out', type: 'http-response', params: { status: '${payload.code}' } },
    ],
    [['in', 'out']],
  );
  const s = await serve(doc);
  try {
    const res = await fetch(s.hook('fail'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"abc"}' });
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: string; code: string; params: unknown; runId: string };
    assert.equal(body.runId, res.headers.get('x-tributary-run'));
    assert.deepEqual(body, { error: `the flow failed (run ${body.runId})`, code: 'FLOW_FAILED', params: { runId: body.runId }, runId: body.runId });
    const run = await ended(s.store, body.runId);
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /^node out: status must be an HTTP status code/);
  } finally {
    await s.close();
  }
});

test('no answer within responseTimeoutMs gives 504; the run still finishes', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'http-in', params: { path: 'slow', responseTimeoutMs: 150 } },
      { id: 'd', type: 'delay', params: { ms: 500 } },
      { id: 'out', type: 'http-response', params: {} },
    ],
    [['in', 'd'], ['d', 'out']],
  );
  const s = await serve(doc);
  try {
    const started = Date.now();
    const res = await fetch(s.hook('slow'), { method: 'POST' });
    assert.equal(res.status, 504);
    assert.ok(Date.now() - started < 450);
    const body = (await res.json()) as { error: string; runId: string };
    assert.match(body.error, /did not answer within 150 ms/);
    assert.equal(body.runId, res.headers.get('x-tributary-run'));
    const run = await ended(s.store, body.runId);
    assert.equal(run.status, 'succeeded');
    const late = run.steps.find((st: StepRecord) => st.nodeId === 'out')!;
    assert.match(late.logs?.[0] ?? '', /already answered/);
  } finally {
    await s.close();
  }
});

test('responseMode immediate answers 202 {runId} at once', async () => {
  const doc = flow(
    [{ id: 'in', type: 'http-in', params: { path: 'async', responseMode: 'immediate' } }, { id: 'd', type: 'delay', params: { ms: 300 } }],
    [['in', 'd']],
  );
  const s = await serve(doc);
  try {
    const started = Date.now();
    const res = await fetch(s.hook('async'), { method: 'POST' });
    assert.equal(res.status, 202);
    assert.ok(Date.now() - started < 250);
    assert.equal(((await res.json()) as { runId: string }).runId, res.headers.get('x-tributary-run'));
  } finally {
    await s.close();
  }
});

test('two flows serving the same route: the second fails to start with a clear error; stop frees the route', async () => {
  const s = await serve(orderFlow({}));
  try {
    await assert.rejects(s.engine.start('f2', 1, orderFlow({})), /node in \(http-in\): another running flow already serves POST \/hooks\/orders\/:id/);
    assert.equal(s.engine.isRunning('f2'), false);
    await s.engine.stop('f1');
    assert.equal((await fetch(s.hook('orders/1'), { method: 'POST' })).status, 404);
    await s.engine.start('f2', 1, orderFlow({}));
    assert.equal((await fetch(s.hook('orders/1'), { method: 'POST' })).status, 201);
  } finally {
    await s.close();
  }
});

test('an invalid path or missing credential is refused at save and at start', async () => {
  const issues = httpInNode.logic!.validate!({ path: 'orders/{id}', auth: 'basic', username: 'a' });
  assert.deepEqual(issues.map((i) => i.path), ['path', 'password']);
  assert.deepEqual(httpInNode.logic!.validate!({ path: '/a/:id/b.json' }), []);
  assert.match(httpInNode.logic!.validate!({ path: 'a/:id/:id' })[0]!.message, /appears twice/);
  assert.match(httpInNode.logic!.validate!({ path: 'a//b' })[0]!.message, /empty segment/);
  const { engine } = testEngine(specs, runtimes);
  await assert.rejects(engine.start('bad', 1, flow([{ id: 'in', type: 'http-in', params: { path: 'a b' } }], [])), /not a valid path segment/);
  await assert.rejects(engine.start('bad2', 1, flow([{ id: 'in', type: 'http-in', params: { path: 'x', auth: 'bearer' } }], [])), /needs a token/);
  await engine.shutdown();
});

test('credentials are declared sensitive and are never templates', () => {
  assert.deepEqual(httpInSpec.sensitiveParams, ['password', 'token', 'apiKey']);
  for (const p of httpInSpec.sensitiveParams!) assert.ok(httpInSpec.rawParams!.includes(p));
});

test('a manual trigger of http-in runs the flow; http-response traces the answer it would give', async () => {
  const s = await serve(orderFlow({}));
  try {
    const fired = s.engine.trigger('f1', 'in', { qty: 1 }, true);
    assert.equal((await fired.done).status, 'succeeded');
    const run = s.store.runs.get(fired.runId)!;
    assert.equal(run.trigger.kind, 'manual');
    assert.match(run.steps.find((st) => st.nodeId === 'out')!.logs?.[0] ?? '', /manual run: the answer would be 201/);
  } finally {
    await s.close();
  }
});

test('the /hooks listener: HEAD has no body, 204 has no content type, bad encoding is 400, unknown routes 404/405', async () => {
  const doc = flow(
    [
      { id: 'in', type: 'http-in', params: { method: 'ANY', path: 'items/:name' } },
      { id: 'out', type: 'http-response', params: { status: '${req.query.status}', body: '${req.params.name}' } },
    ],
    [['in', 'out']],
  );
  const s = await serve(doc);
  try {
    const get = await fetch(s.hook('items/caf%C3%A9?status=200'));
    assert.equal(get.status, 200);
    assert.equal(await get.text(), 'café');
    assert.match(get.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(get.headers.get('content-length'), String(Buffer.byteLength('café')));
    assert.equal(get.headers.get('x-content-type-options'), 'nosniff');

    const head = await fetch(s.hook('items/abc?status=200'), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '3');
    assert.equal(await head.text(), '');

    const none = await fetch(s.hook('items/abc?status=204'), { method: 'DELETE' });
    assert.equal(none.status, 204);
    assert.equal(none.headers.get('content-type'), null);
    assert.equal(await none.text(), '');

    const broken = await fetch(s.hook('items/%E0%A4%A'));
    assert.equal(broken.status, 400);
    assert.match(((await broken.json()) as { error: string }).error, /not valid URL encoding/);

    const missing = await fetch(s.hook('nothing/here'));
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), {
      error: 'no running flow serves GET /hooks/nothing/here', code: 'NOT_FOUND', params: { what: 'hook', id: 'GET /hooks/nothing/here' },
    });
    assert.equal((await fetch(s.hook('').replace(/\/$/, ''))).status, 404, '/hooks itself');
  } finally {
    await s.close();
  }
});
