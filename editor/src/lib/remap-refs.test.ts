// Pasted nodes get new ids: references to them inside the pasted part follow, with core's
// expression parser deciding what is a reference (escapes, quotes and spaces included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { remapRefs, remapTemplate } from './remap-refs.ts';

const ids = new Map([['100001', '200001'], ['a', 'b-new']]);

test('a reference to a remapped node points at the new id; its path is kept', () => {
  assert.equal(remapTemplate('${100001|payload.x}', ids), '${200001|payload.x}');
  assert.equal(remapTemplate('x=${100001|payload["a}|b"]} y=${a|}', ids), 'x=${200001|payload["a}|b"]} y=${b-new|}');
  assert.equal(remapTemplate('${ 100001 | payload }', ids), '${ 200001 | payload }', 'white space is kept');
});

test('references to other nodes, the incoming message, escapes and broken text are left alone', () => {
  assert.equal(remapTemplate('${999999|payload}', ids), '${999999|payload}');
  assert.equal(remapTemplate('${payload.a}', ids), '${payload.a}');
  assert.equal(remapTemplate('$${100001|payload} ${100001|payload}', ids), '$${100001|payload} ${200001|payload}');
  assert.equal(remapTemplate('${100001|payload', ids), '${100001|payload', 'text that does not parse is kept as typed');
  assert.equal(remapTemplate('100001|payload', ids), '100001|payload', 'an id outside an expression is plain text');
  assert.equal(remapTemplate('${a|a}', ids), '${b-new|a}', 'a path that spells the id is not an id');
});

test('every string in nested params is remapped; other values are copied as they are', () => {
  const params = { fields: { 'payload.y': '${100001|payload.x}' }, rules: [{ value: '${a|n}', arg: 3 }], n: 1, on: true, none: null };
  const out = remapRefs(params, ids);
  assert.deepEqual(out, { fields: { 'payload.y': '${200001|payload.x}' }, rules: [{ value: '${b-new|n}', arg: 3 }], n: 1, on: true, none: null });
  assert.equal(params.fields['payload.y'], '${100001|payload.x}', 'the original is not changed');
});
