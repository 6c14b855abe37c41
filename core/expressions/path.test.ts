import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExpressionError, getPath, makeSetter, parsePath, setPath } from './index.ts';

describe('parsePath', () => {
  it('parses dots, brackets, quotes and indices', () => {
    assert.deepEqual(parsePath('payload.items[0].name'), ['payload', 'items', 0, 'name']);
    assert.deepEqual(parsePath('payload["a b"][\'c\'].d'), ['payload', 'a b', 'c', 'd']);
    assert.deepEqual(parsePath('  payload . 名前 [ 3 ]  '), ['payload', '名前', 3]);
  });
  it('gives errors with positions in the path string', () => {
    const cases: [string, number, RegExp][] = [
      ['', 0, /empty path/],
      ['   ', 0, /empty path/],
      ['payload.', 8, /expected a key after '\.', found the end of the path/],
      ['payload[', 8, /expected a number or a quoted key after '\[', found the end of the path/],
      ['payload["x', 8, /unterminated string/],
      ['a|b', 1, /unexpected '\|': expected '\.', '\[' or the end of the path/],
      ['a}', 1, /unexpected '\}'/],
    ];
    for (const [path, position, reason] of cases) {
      assert.throws(() => parsePath(path), (err: unknown) => {
        assert.ok(err instanceof ExpressionError);
        assert.equal(err.position, position, path);
        assert.match(err.reason, reason, path);
        return true;
      });
    }
  });
});

describe('getPath', () => {
  const msg = {
    payload: { items: [{ name: 'first' }, { name: 'second' }], 'a b': 1, 名前: 'ok', zero: 0, no: false, nil: null },
  };
  it('walks objects and arrays', () => {
    assert.equal(getPath(msg, ['payload', 'items', 1, 'name']), 'second');
    assert.equal(getPath(msg, ['payload', 'a b']), 1);
    assert.equal(getPath(msg, ['payload', '名前']), 'ok');
    assert.equal(getPath(msg, []), msg);
  });
  it('finds array items by numeric strings (items.0)', () => {
    assert.equal(getPath(msg, ['payload', 'items', '0', 'name']), 'first');
  });
  it('keeps falsy values and null', () => {
    assert.equal(getPath(msg, ['payload', 'zero']), 0);
    assert.equal(getPath(msg, ['payload', 'no']), false);
    assert.equal(getPath(msg, ['payload', 'nil']), null);
  });
  it('returns undefined when a step is missing or not an object', () => {
    assert.equal(getPath(msg, ['payload', 'nope', 'x']), undefined);
    assert.equal(getPath(msg, ['payload', 'items', 5]), undefined);
    assert.equal(getPath(msg, ['payload', 'nil', 'x']), undefined);
    assert.equal(getPath(msg, ['payload', '名前', 0]), undefined, 'strings are not walked');
    assert.equal(getPath(undefined, ['payload']), undefined);
    assert.equal(getPath(null, ['payload']), undefined);
  });
  it('never reads inherited properties', () => {
    assert.equal(getPath({ payload: {} }, ['payload', 'toString']), undefined);
    assert.equal(getPath({ payload: {} }, ['payload', 'hasOwnProperty']), undefined);
    assert.equal(getPath({ payload: [] }, ['payload', 'map']), undefined);
    const child = Object.create({ secret: 1 }) as Record<string, unknown>;
    assert.equal(getPath({ payload: child }, ['payload', 'secret']), undefined);
  });
  it('treats __proto__, constructor and prototype as missing, even as own keys', () => {
    assert.equal(getPath({ payload: {} }, ['payload', '__proto__']), undefined);
    assert.equal(getPath({ payload: {} }, ['payload', 'constructor', 'constructor']), undefined);
    assert.equal(getPath({ payload: () => 1 }, ['payload', 'prototype']), undefined);
    const parsed: unknown = JSON.parse('{"payload":{"__proto__":{"x":1},"constructor":{"y":2}}}');
    assert.equal(getPath(parsed, ['payload', '__proto__', 'x']), undefined);
    assert.equal(getPath(parsed, ['payload', 'constructor', 'y']), undefined);
  });
});

describe('setPath', () => {
  it('returns a new object and never mutates the target', () => {
    const inner = { keep: { deep: true }, change: 1 };
    const target = { payload: inner, other: [1, 2] };
    const before = structuredClone(target);
    const out = setPath(target, ['payload', 'change'], 2);
    assert.deepEqual(target, before);
    assert.deepEqual(out, { payload: { keep: { deep: true }, change: 2 }, other: [1, 2] });
    assert.notEqual(out, target);
    assert.notEqual(out.payload, inner, 'containers on the path are copied');
    assert.equal(out.other, target.other, 'siblings off the path are shared');
    assert.equal((out.payload as typeof inner).keep, inner.keep);
  });
  it('copies arrays along the path', () => {
    const target = { payload: { rows: [{ a: 1 }, { a: 2 }] } };
    const out = setPath(target, ['payload', 'rows', 1, 'a'], 9);
    assert.deepEqual(out, { payload: { rows: [{ a: 1 }, { a: 9 }] } });
    assert.deepEqual(target, { payload: { rows: [{ a: 1 }, { a: 2 }] } });
    assert.ok(Array.isArray((out.payload as { rows: unknown }).rows));
  });
  it('creates objects for keys and arrays for indices', () => {
    assert.deepEqual(setPath({}, ['payload', 'list', 0, 'name'], 'x'), { payload: { list: [{ name: 'x' }] } });
    assert.deepEqual(setPath({ payload: 5 }, ['payload', 'a'], 1), { payload: { a: 1 } }, 'a primitive is replaced');
  });
  it('treats a numeric string key on an array as an index', () => {
    assert.deepEqual(setPath({ items: ['a', 'b'] }, ['items', '1'], 'B'), { items: ['a', 'B'] });
  });
  it('refuses names on arrays, empty paths and prototype keys', () => {
    assert.throws(() => setPath({ items: [1] }, ['items', 'length'], 0), /cannot set key 'length' on an array/);
    assert.throws(() => setPath({}, [], 1), /the path is empty/);
    assert.throws(() => setPath({}, ['__proto__', 'polluted'], true), /the key '__proto__' is not allowed in a path/);
    assert.throws(() => setPath({}, ['a', 'constructor', 'prototype'], 1), /the key 'constructor' is not allowed/);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
  it('keeps an own __proto__ key of the target as data', () => {
    const target = JSON.parse('{"__proto__":{"x":1},"a":1}') as Record<string, unknown>;
    const out = setPath(target, ['a'], 2);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__', 'a']);
  });
});

describe('makeSetter', () => {
  it('writes like setPath, copying along the path and leaving the input untouched', () => {
    const input = { payload: { a: 1, list: [1, 2] }, topic: 't' };
    const frozen = JSON.stringify(input);
    for (const text of ['payload.b', 'payload.list[1]', 'payload.deep.x', 'other']) {
      const path = parsePath(text);
      assert.deepEqual(makeSetter(path)(input, 9), setPath(input, path, 9), text);
    }
    const out = makeSetter(parsePath('payload.a'))(input, 2);
    assert.equal(out['topic'], 't');
    assert.notEqual(out['payload'], input.payload);
    assert.equal((out['payload'] as { list: unknown }).list, input.payload.list, 'what is not on the path is shared');
    assert.equal(JSON.stringify(input), frozen);
  });

  it('refuses forbidden keys and empty paths when it is made, not when it runs', () => {
    assert.throws(() => makeSetter(parsePath('payload.__proto__.x')), /the key '__proto__' is not allowed in a path/);
    assert.throws(() => makeSetter(['constructor']), /the key 'constructor' is not allowed/);
    assert.throws(() => makeSetter([]), /the path is empty/);
  });
});
