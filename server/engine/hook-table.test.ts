import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HookTable } from './hook-table.ts';
import type { HookRoute } from './node-api.ts';

const route = (method: string, path: string): HookRoute => ({ method, path, handle: async () => ({ status: 200, body: path }) });
const served = (t: HookTable, method: string, path: string): string | undefined => {
  const m = t.match(method, path);
  return m && 'route' in m ? `${m.route.method} ${m.route.path} ${JSON.stringify(m.params)}` : m ? 'method mismatch' : undefined;
};

test('routes that answer the same requests are refused, whatever their parameters are named', () => {
  const t = new HookTable();
  t.register(route('POST', 'orders/:id'));
  assert.throws(() => t.register(route('POST', '/orders/:key/')), /another running flow already serves POST \/hooks\/orders\/:id, which answers POST \/hooks\/orders\/:key too/);
  assert.throws(() => t.register(route('ANY', 'orders/:x')), /already serves POST \/hooks\/orders\/:id/);
  assert.throws(() => t.register(route('post', 'orders/:id')), /already serves POST \/hooks\/orders\/:id$/);
  // different method, or a literal where the other has a parameter: both may run
  t.register(route('GET', 'orders/:id'));
  t.register(route('POST', 'orders/new'));
  const anyRoute = new HookTable();
  anyRoute.register(route('ANY', 'echo'));
  assert.throws(() => anyRoute.register(route('PUT', 'echo')), /already serves ANY \/hooks\/echo, which answers PUT \/hooks\/echo too/);
});

test('the most specific route wins, whatever order the flows started in', () => {
  const t = new HookTable();
  t.register(route('POST', 'orders/:id'));
  t.register(route('POST', 'orders/new'));
  t.register(route('ANY', ':kind/latest'));
  t.register(route('GET', 'orders/:id'));
  assert.equal(served(t, 'POST', '/orders/new'), 'POST orders/new {}');
  assert.equal(served(t, 'POST', '/orders/42'), 'POST orders/:id {"id":"42"}');
  assert.equal(served(t, 'get', '/orders/latest'), 'GET orders/:id {"id":"latest"}', 'literal first segment beats a parameter');
  assert.equal(served(t, 'DELETE', '/users/latest'), 'ANY :kind/latest {"kind":"users"}');
  assert.equal(served(t, 'DELETE', '/orders/42'), 'method mismatch');
  assert.equal(served(t, 'POST', '/orders/42/items'), undefined);
});

test('parameters are percent-decoded; a broken encoding throws URIError; unregistering frees the route', () => {
  const t = new HookTable();
  const off = t.register(route('GET', 'files/:name'));
  assert.equal(served(t, 'GET', '/files/a%20b%2Fc'), 'GET files/:name {"name":"a b/c"}');
  assert.throws(() => t.match('GET', '/files/%E0%A4%A'), URIError);
  off();
  assert.equal(served(t, 'GET', '/files/x'), undefined);
  t.register(route('GET', 'files/:other'));
});
