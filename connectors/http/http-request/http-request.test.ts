import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { StepRecord } from '../../../core/flow-types.ts';
import type { ConnectionProvider } from '../../../server/engine/node-api.ts';
import type { ConnectionProfileResolved } from '../../../server/connections/driver-api.ts';
import { directConnections, testEngine } from '../../../server/engine/engine.test-support.ts';
import { httpDriver } from '../driver.ts';
import { injectSpec } from '../../../nodes/inject/spec.ts';
import { injectRuntime } from '../../../nodes/inject/runtime.ts';
import { closedPort, flow, listen, type TestServer } from '../http.test-support.ts';
import { httpRequestNode, httpRequestSpec } from './spec.ts';
import { httpRequestRuntime } from './runtime.ts';

/** the API the node calls: echo, fixed answers, a flaky endpoint, a slow one */
const calls = new Map<string, number[]>();
function api(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const times = calls.get(url.pathname) ?? [];
    times.push(Date.now());
    calls.set(url.pathname, times);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    const [, first, second] = url.pathname.split('/');
    switch (first) {
      case 'echo':
      case 'v1':
        return json(200, { method: req.method, path: url.pathname, search: url.search, headers: req.headers, body });
      case 'text':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end('plain words');
      case 'bin':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'set-cookie': ['a=1', 'b=2'] });
        return void res.end(Buffer.from([0, 1, 2, 255]));
      case 'status':
        res.writeHead(Number(second), { 'content-type': 'text/plain' });
        return void res.end(`answer ${second}`);
      case 'flaky': // 503 twice, then 200
        return times.length <= 2 ? json(503, { error: 'busy' }) : json(200, { ok: true, attempt: times.length });
      case 'limited': // 429 with Retry-After once, then 200
        return times.length === 1 ? json(429, { error: 'slow down' }, { 'retry-after': '1' }) : json(200, { ok: true });
      case 'bytes': { // /bytes/<n>[/chunked]: n bytes, declared or streamed without a length
        const body = Buffer.alloc(Number(second), 1);
        if (url.pathname.endsWith('/chunked')) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.write(body.subarray(0, body.length >> 1));
          return void setTimeout(() => res.end(body.subarray(body.length >> 1)), 20);
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
        return void res.end(body);
      }
      case 'slow':
        // never answers: only the node's time limit can end the request (a late answer raced it on a stalled event loop)
        return;
      default:
        return json(404, { error: 'no such thing' });
    }
  });
}

let server: TestServer;
before(async () => {
  server = await listen(api);
});
after(async () => {
  await server.close();
});

const specs = [injectSpec, httpRequestSpec];
const runtimes = [injectRuntime, httpRequestRuntime];

/** inject(payload) → http-request(params); the run and the request's step */
async function request(params: Record<string, unknown>, payload: unknown = {}, connections?: ConnectionProvider, topic?: string) {
  const { engine, store } = testEngine(specs, runtimes, connections ? { connections } : {});
  await engine.start('f1', 1, flow([{ id: 'i', type: 'inject', params: topic ? { topic } : {} }, { id: 'r', type: 'http-request', params }], [['i', 'r']]));
  const fired = engine.trigger('f1', 'i', payload, true);
  const outcome = await fired.done;
  await engine.shutdown();
  const run = store.runs.get(fired.runId)!;
  const step = run.steps.find((s: StepRecord) => s.nodeId === 'r')!;
  return { outcome, step, out: step.output as { payload: unknown; statusCode: number; headers: Record<string, unknown>; topic?: string } };
}

test('POST sends an object body as JSON with the given headers; the response becomes the message', async () => {
  const { outcome, out } = await request(
    { method: 'POST', url: `${server.url}/echo`, body: '${payload.order}', headers: { 'X-Trace': 't-${payload.id}' }, query: { page: 2, tag: ['a', 'b'] } },
    { id: 7, order: { qty: 2 } },
  );
  assert.equal(outcome.status, 'succeeded');
  assert.equal(out.statusCode, 200);
  assert.equal(out.headers['content-type'], 'application/json');
  const p = out.payload as { method: string; headers: Record<string, string>; body: string; search: string };
  assert.equal(p.method, 'POST');
  assert.equal(p.headers['content-type'], 'application/json');
  assert.equal(p.headers['x-trace'], 't-7');
  assert.deepEqual(JSON.parse(p.body), { qty: 2 });
  assert.equal(p.search, '?page=2&tag=a&tag=b');
});

test('PUT, PATCH and DELETE send their method; text goes as text/plain; other message fields are kept', async () => {
  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    const { out } = await request({ method, url: `${server.url}/echo`, body: 'raw ${payload.v}' }, { v: 'x' });
    const p = out.payload as { method: string; body: string; headers: Record<string, string> };
    assert.equal(p.method, method);
    assert.equal(p.body, 'raw x');
    assert.match(p.headers['content-type'] ?? '', /^text\/plain/);
  }
  const { out } = await request({ url: `${server.url}/echo` }, { v: 1 }, undefined, 'orders');
  assert.equal((out.payload as { method: string }).method, 'GET');
  assert.equal(out.topic, 'orders');
});

test('responseType: auto reads text and bytes by content type; json, text and base64 force it', async () => {
  assert.equal((await request({ url: `${server.url}/text` })).out.payload, 'plain words');
  const bin = await request({ url: `${server.url}/bin` });
  const bytes = Buffer.from([0, 1, 2, 255]);
  assert.deepEqual(bin.out.payload, {
    $binary: { type: 'application/octet-stream', bytes: 4, sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.toString('base64') },
  }, 'a Buffer, summarised as $binary (media type, size, digest, head) in the trace');
  assert.deepEqual(bin.out.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal((await request({ url: `${server.url}/bin`, responseType: 'base64' })).out.payload, 'AAEC/w==');
  assert.equal(typeof (await request({ url: `${server.url}/echo`, responseType: 'text' })).out.payload, 'string');
  const notJson = await request({ url: `${server.url}/text`, responseType: 'json' });
  assert.match(notJson.step.error ?? '', /not valid JSON/);
});

test('maxResponseBytes: a larger response fails the step (declared or streamed), without retries', async () => {
  for (const path of ['bytes/5000', 'bytes/5000/chunked']) {
    calls.delete(`/${path}`);
    const { step, outcome } = await request({ url: `${server.url}/${path}`, maxResponseBytes: 1000, retries: 2, retryDelayMs: 10 });
    assert.equal(outcome.status, 'failed', path);
    assert.equal(step.error, 'the response is larger than maxResponseBytes (1000 bytes)', path);
    assert.equal(calls.get(`/${path}`)?.length, 1, `${path}: not retried`);
  }
  const ok = await request({ url: `${server.url}/bytes/1000/chunked`, maxResponseBytes: 1000 });
  assert.equal((ok.out.payload as { $binary: { bytes: number } }).$binary.bytes, 1000, 'exactly the limit is fine');
  const schema = httpRequestSpec.paramsSchema as { properties: Record<string, { maximum?: number }> };
  assert.equal(schema.properties['maxResponseBytes']?.maximum, 256 * 1024 * 1024);
});

test('a connection gives the base URL and the credentials (bearer, basic, apiKey)', async () => {
  const profile = (id: string, params: Record<string, unknown>, secret?: string): ConnectionProfileResolved => ({
    id, name: id, type: 'http', environment: 'test', params: { baseUrl: `${server.url}/v1/`, ...params }, secrets: secret ? { secret } : {},
  });
  const connections = directConnections([httpDriver], [
    profile('bearer', { auth: 'bearer' }, 'tok'),
    profile('basic', { auth: 'basic', username: 'ann' }, 'pw'),
    profile('key', { auth: 'apiKey', apiKeyHeader: 'X-Key', headers: { 'X-Default': 'd' } }, 'k1'),
  ]);
  try {
    const b = (await request({ connection: 'bearer', url: 'orders/${payload.id}' }, { id: 5 }, connections)).out.payload as { path: string; headers: Record<string, string> };
    assert.equal(b.path, '/v1/orders/5');
    assert.equal(b.headers['authorization'], 'Bearer tok');
    const basic = (await request({ connection: 'basic', url: '/orders' }, {}, connections)).out.payload as { headers: Record<string, string> };
    assert.equal(basic.headers['authorization'], `Basic ${Buffer.from('ann:pw').toString('base64')}`);
    const key = (await request({ connection: 'key', url: 'x' }, {}, connections)).out.payload as { headers: Record<string, string> };
    assert.equal(key.headers['x-key'], 'k1');
    assert.equal(key.headers['x-default'], 'd');
    const away = await request({ connection: 'bearer', url: 'http://other.example/steal' }, {}, connections);
    assert.match(away.step.error ?? '', /not the connection's server/);
  } finally {
    await connections.closeAll();
  }
});

test('a non-2xx answer fails the step naming the status, unless failOnHttpError is off', async () => {
  const { outcome, step } = await request({ url: `${server.url}/status/404` });
  assert.equal(outcome.status, 'failed');
  assert.match(step.error ?? '', /^HTTP 404 Not Found from GET http:\/\/127\.0\.0\.1:\d+\/status\/404: answer 404$/);
  const kept = await request({ url: `${server.url}/status/404`, failOnHttpError: false });
  assert.equal(kept.outcome.status, 'succeeded');
  assert.equal(kept.out.statusCode, 404);
  assert.equal(kept.out.payload, 'answer 404');
});

test('timeoutMs bounds the request with a clear error', async () => {
  const started = Date.now();
  const { outcome, step } = await request({ url: `${server.url}/slow`, timeoutMs: 200 });
  assert.equal(outcome.status, 'failed');
  assert.match(step.error ?? '', /^GET http:\/\/127\.0\.0\.1:\d+\/slow failed: timed out after 200 ms/);
  assert.ok(Date.now() - started < 5000, 'bounded by the time limit, not by the server');
});

test('retries back off exponentially on 503 and succeed', async () => {
  calls.delete('/flaky');
  const { outcome, out, step } = await request({ url: `${server.url}/flaky`, retries: 3, retryDelayMs: 60 });
  assert.equal(outcome.status, 'succeeded');
  assert.deepEqual(out.payload, { ok: true, attempt: 3 });
  const t = calls.get('/flaky')!;
  assert.equal(t.length, 3);
  assert.ok(t[1]! - t[0]! >= 55, `first wait ${t[1]! - t[0]!}`);
  assert.ok(t[2]! - t[1]! >= 115, `second wait ${t[2]! - t[1]!}`);
  assert.deepEqual(step.logs?.slice(0, 2).map((l) => l.replace(/http:\S+/, 'URL')), [
    'GET URL → 503; retry 1 of 3 in 60 ms',
    'GET URL → 503; retry 2 of 3 in 120 ms',
  ]);
});

test('retries exhausted: the last status fails the step', async () => {
  calls.delete('/flaky');
  const { step } = await request({ url: `${server.url}/flaky`, retries: 1, retryDelayMs: 10 });
  assert.match(step.error ?? '', /^HTTP 503 Service Unavailable from GET \S+ after 2 attempts/);
});

test('Retry-After is honoured on 429', async () => {
  calls.delete('/limited');
  const { outcome } = await request({ url: `${server.url}/limited`, retries: 2, retryDelayMs: 10 });
  assert.equal(outcome.status, 'succeeded');
  const t = calls.get('/limited')!;
  assert.ok(t[1]! - t[0]! >= 950, `waited ${t[1]! - t[0]!}`);
});

test('a refused port is reported as such, after the retries', async () => {
  const port = await closedPort();
  const { step } = await request({ url: `http://127.0.0.1:${port}/x`, retries: 1, retryDelayMs: 10 });
  assert.equal(step.error, `GET http://127.0.0.1:${port}/x failed: connection refused by 127.0.0.1:${port} (2 attempts)`);
  assert.match(step.logs?.[0] ?? '', /connection refused .*retry 1 of 1 in 10 ms/);
});

test('inline credentials are declared sensitive and masked in the step params', async () => {
  assert.deepEqual(httpRequestSpec.sensitiveParams, ['password', 'token', 'apiKey']);
  const { step, out } = await request({ url: '${payload.base}/echo', auth: 'bearer', token: 'very-secret' }, { base: server.url });
  assert.equal((out.payload as { headers: Record<string, string> }).headers['authorization'], 'Bearer very-secret');
  const params = step.params as Record<string, unknown>;
  assert.equal(params['token'], '***');
  assert.equal(params['url'], `${server.url}/echo`);
  assert.doesNotMatch(JSON.stringify(step.params), /very-secret/);
});

test('save-time checks: absolute URL without a connection, no body on GET, credentials per auth', () => {
  const v = httpRequestNode.logic!.validate!;
  assert.deepEqual(v({ url: 'orders' }).map((i) => i.path), ['url']);
  assert.deepEqual(v({ url: '${payload.url}' }), []);
  assert.deepEqual(v({ url: 'orders', connection: 'c1' }), []);
  assert.deepEqual(v({ url: 'http://x', method: 'GET', body: 'b' }).map((i) => i.path), ['body']);
  assert.deepEqual(v({ url: 'http://x', auth: 'basic', username: 'u' }).map((i) => i.path), ['password']);
  assert.deepEqual(v({ url: 'x', connection: 'c', auth: 'bearer', token: 't' }).map((i) => i.path), ['auth']);
});
