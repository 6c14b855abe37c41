import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument } from '../../core/flow-types.ts';
import { specsByType } from '../../catalogue/index.ts';
import { absentSecretAt, redactSecrets, splitSecrets, withSecrets, withoutSecrets } from './secret-slots.ts';

const doc = (params: Record<string, unknown>, type = 'http-request'): FlowDocument => ({
  name: 'f', nodes: [{ id: 'n1', type, params }], edges: [],
});

test('split: new values are taken out, "***" keeps the stored one, null and "" clear, other keys stay', () => {
  const sent = doc({ url: 'http://x', token: 'T', password: '***', apiKey: '', headers: { Authorization: 'Bearer H', 'X-Plain': 'p', Cookie: null } });
  const previous = { doc: doc({ url: 'http://x' }), secrets: { 'n1:password': 'P', 'n1:apiKey': 'K', 'n1:headers.Cookie': 'C' } };
  const split = splitSecrets(sent, specsByType, previous);
  assert.deepEqual(split.secrets, { 'n1:token': 'T', 'n1:password': 'P', 'n1:headers.Authorization': 'Bearer H' });
  assert.deepEqual((split.stored as FlowDocument).nodes[0]!.params, { url: 'http://x', token: '***', password: '***', headers: { Authorization: '***', 'X-Plain': 'p' } });
  assert.deepEqual((split.resolved as FlowDocument).nodes[0]!.params, { url: 'http://x', token: 'T', password: 'P', headers: { Authorization: 'Bearer H', 'X-Plain': 'p' } });
  assert.deepEqual(split.missing, []);
  assert.equal(sent.nodes[0]!.params['token'], 'T', 'the input is not changed');
});

test('split: "***" with nothing to keep (no previous, another node type) is missing and left out', () => {
  const none = splitSecrets(doc({ url: 'u', token: '***' }), specsByType);
  assert.deepEqual(none.missing, [{ nodeId: 'n1', param: 'token', path: 'nodes[0].params.token' }]);
  assert.equal('token' in (none.stored as FlowDocument).nodes[0]!.params, false);
  const otherType = splitSecrets(doc({ url: 'u', token: '***' }), specsByType, { doc: doc({ path: 'x' }, 'http-in'), secrets: { 'n1:token': 'T' } });
  assert.equal(otherType.missing.length, 1, 'an http-in token is not an http-request token');
  assert.deepEqual(otherType.secrets, {});
});

test('split: a non-string value stays for the validator; a malformed document passes through', () => {
  const split = splitSecrets(doc({ url: 'u', token: 42 }), specsByType);
  assert.equal((split.resolved as FlowDocument).nodes[0]!.params['token'], 42);
  assert.deepEqual(split.secrets, {});
  for (const bad of [null, 'x', { nodes: 'no' }, { nodes: [null, { id: 'a' }] }]) assert.deepEqual(splitSecrets(bad, specsByType).resolved, bad);
});

test('withSecrets puts values back (a "***" without one is left out); withoutSecrets lists what it left out', () => {
  const stored = doc({ url: 'u', token: '***', apiKey: '***', headers: { 'X-Api-Key': '***' } });
  assert.deepEqual(withSecrets(stored, specsByType, { 'n1:token': 'T', 'n1:headers.X-Api-Key': 'K' }).nodes[0]!.params, { url: 'u', token: 'T', headers: { 'X-Api-Key': 'K' } });
  const out = withoutSecrets(stored, specsByType);
  assert.deepEqual(out.doc.nodes[0]!.params, { url: 'u', headers: {} });
  assert.deepEqual(out.omitted.map((o) => o.param), ['token', 'apiKey', 'headers.X-Api-Key']);
});

test('redact and absentSecretAt', () => {
  const r = redactSecrets(doc({ path: 'p', token: 'T', username: 'u' }, 'http-in'), specsByType);
  assert.equal(r.changed, true);
  assert.deepEqual(r.doc.nodes[0]!.params, { path: 'p', token: '***', username: 'u' });
  assert.equal(redactSecrets(r.doc, specsByType).changed, false);
  const d = doc({ path: 'p', auth: 'bearer' }, 'http-in');
  assert.deepEqual(absentSecretAt('nodes[0].params.token', d, specsByType), { nodeId: 'n1', param: 'token', path: 'nodes[0].params.token' });
  assert.equal(absentSecretAt('nodes[0].params.path', d, specsByType), undefined, 'not a secret');
  assert.equal(absentSecretAt('nodes[0].params.token', doc({ path: 'p', token: 'T' }, 'http-in'), specsByType), undefined, 'present');
});
