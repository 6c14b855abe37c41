import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { runDriverTest } from '../../server/connections/test-connection.ts';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authHeaders, httpDriver, joinUrl } from './driver.ts';

const profile = (params: Record<string, unknown>, secret?: string): ConnectionProfileResolved => ({
  id: 'c1', name: 'api', type: 'http', environment: 'test', params, secrets: secret === undefined ? {} : { secret },
});

/** a real server on 127.0.0.1 at a free port */
async function listen(handler: RequestListener) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** a port nothing listens on */
async function closedPort(): Promise<number> {
  const s = await listen(() => undefined);
  await s.close();
  return Number(new URL(s.url).port);
}

test('open gives the base URL, default headers and auth headers of each mode', async () => {
  const none = await httpDriver.open(profile({ baseUrl: 'https://api.example/v1/', headers: { Accept: 'application/json' } }));
  assert.equal(none.baseUrl, 'https://api.example/v1');
  assert.deepEqual(none.headers, { Accept: 'application/json' });
  assert.deepEqual(none.authHeaders(), {});
  assert.equal(none.timeoutMs, 10000);
  const basic = await httpDriver.open(profile({ baseUrl: 'https://a.example', auth: 'basic', username: 'ann', timeoutMs: 500 }, 'pw'));
  assert.deepEqual(basic.authHeaders(), { Authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` });
  assert.equal(basic.timeoutMs, 500);
  const bearer = await httpDriver.open(profile({ baseUrl: 'https://a.example', auth: 'bearer' }, 't0k'));
  assert.deepEqual(bearer.authHeaders(), { Authorization: 'Bearer t0k' });
  const key = await httpDriver.open(profile({ baseUrl: 'https://a.example', auth: 'apiKey' }, 'k'));
  assert.deepEqual(key.authHeaders(), { 'X-API-Key': 'k' });
  const named = await httpDriver.open(profile({ baseUrl: 'https://a.example', auth: 'apiKey', apiKeyHeader: 'X-Token' }, 'k'));
  assert.deepEqual(authHeaders(named.auth), { 'X-Token': 'k' });
  await httpDriver.close(none);
});

test('open refuses a missing credential or a bad base URL', async () => {
  await assert.rejects(httpDriver.open(profile({ baseUrl: 'https://a.example', auth: 'bearer' })), /bearer authentication needs a token/);
  await assert.rejects(httpDriver.open(profile({ baseUrl: 'https://a.example', auth: 'basic' }, 'pw')), /needs a username/);
  await assert.rejects(httpDriver.open(profile({ baseUrl: 'not a url' })), /not a valid URL/);
  await assert.rejects(httpDriver.open(profile({ baseUrl: 'ftp://a.example' })), /http:\/\/ or https:\/\//);
});

test('relative URLs join below the base URL; absolute ones must stay on its origin', () => {
  assert.equal(joinUrl('https://a.example/v1', 'orders/1'), 'https://a.example/v1/orders/1');
  assert.equal(joinUrl('https://a.example/v1/', '/orders'), 'https://a.example/v1/orders');
  assert.equal(joinUrl('https://a.example/v1', '?q=1'), 'https://a.example/v1?q=1');
  assert.equal(joinUrl('https://a.example/v1', ''), 'https://a.example/v1');
  assert.equal(joinUrl('https://a.example/v1', 'https://a.example/v2/x'), 'https://a.example/v2/x');
  assert.throws(() => joinUrl('https://a.example/v1', 'https://evil.example/x'), /not the connection's server/);
});

test('test succeeds when the server answers (HEAD, or GET when HEAD is not allowed) and sends the credentials', async () => {
  const seen: string[] = [];
  const server = await listen((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers['authorization'] ?? ''}`);
    res.writeHead(req.method === 'HEAD' ? 405 : 404);
    res.end();
  });
  try {
    await httpDriver.test(profile({ baseUrl: `${server.url}/api`, auth: 'bearer' }, 'tok'), 2000);
    assert.deepEqual(seen, ['HEAD /api Bearer tok', 'GET /api Bearer tok']);
  } finally {
    await server.close();
  }
});

test('test reports refused credentials and server errors', async () => {
  const server = await listen((req, res) => {
    res.writeHead(req.url === '/down' ? 503 : req.headers['authorization'] === 'Bearer good' ? 200 : 401);
    res.end();
  });
  try {
    await httpDriver.test(profile({ baseUrl: server.url, auth: 'bearer' }, 'good'), 2000);
    await assert.rejects(httpDriver.test(profile({ baseUrl: server.url, auth: 'bearer' }, 'bad'), 2000), /refused the credentials \(HTTP 401 Unauthorized\)/);
    await assert.rejects(httpDriver.test(profile({ baseUrl: `${server.url}/down` }), 2000), /answered HTTP 503 Service Unavailable/);
  } finally {
    await server.close();
  }
});

test('test tells a refused port, an unknown host and a timeout apart', async () => {
  const port = await closedPort();
  await assert.rejects(httpDriver.test(profile({ baseUrl: `http://127.0.0.1:${port}` }), 2000), new RegExp(`^Error: connection refused by 127\\.0\\.0\\.1:${port}$`));
  await assert.rejects(httpDriver.test(profile({ baseUrl: 'http://no-such-host.invalid' }), 5000), /unknown host "no-such-host\.invalid"/);
  const silent = await listen(() => undefined); // accepts, never answers
  try {
    await assert.rejects(httpDriver.test(profile({ baseUrl: silent.url }), 300), /timed out after 300 ms/);
    const result = await runDriverTest(httpDriver, profile({ baseUrl: silent.url }), 300);
    assert.equal(result.ok, false);
  } finally {
    await silent.close();
  }
});
