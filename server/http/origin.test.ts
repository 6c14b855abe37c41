import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OriginPolicy, requestOrigin } from './origin.ts';

test('the own origin is the one the Host header names, with or without default ports; other ports and hosts are foreign', () => {
  const p = new OriginPolicy();
  assert.equal(p.allows('http://127.0.0.1:1890', '127.0.0.1:1890'), true);
  assert.equal(p.allows('http://127.0.0.1:1891', '127.0.0.1:1890'), false, 'same site, another port');
  assert.equal(p.allows('http://localhost:1890', '127.0.0.1:1890'), false);
  assert.equal(p.allows('https://flows.example.com', 'flows.example.com'), true, 'behind a TLS proxy that keeps Host');
  assert.equal(p.allows('https://flows.example.com', 'flows.example.com:443'), true);
  assert.equal(p.allows('http://FLOWS.example.com', 'flows.EXAMPLE.com'), true);
  assert.equal(p.allows('http://evil.com', undefined), false);
  for (const odd of ['null', '', 'file://', 'chrome-extension://abc', 'not a url']) assert.equal(p.allows(odd, '127.0.0.1:1890'), false, odd);
  assert.equal(new OriginPolicy(['https://ops.example.com']).allows('https://ops.example.com', '127.0.0.1:1890'), true);
});

test('requestOrigin: Origin first, else the Referer\'s origin, else nothing', () => {
  assert.equal(requestOrigin({ origin: 'http://a:1', referer: 'http://b:2/x' }), 'http://a:1');
  assert.equal(requestOrigin({ referer: 'http://b:2/x?y#z' }), 'http://b:2');
  assert.equal(requestOrigin({ referer: '::garbage' }), 'null');
  assert.equal(requestOrigin({}), undefined);
});
