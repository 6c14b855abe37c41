import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkValue, collectRefs, hasExpression } from './index.ts';

describe('hasExpression', () => {
  it('finds expressions in strings, arrays and objects', () => {
    assert.equal(hasExpression('${payload}'), true);
    assert.equal(hasExpression('x ${n|payload.a} y'), true);
    assert.equal(hasExpression(['a', { b: ['${x}'] }]), true);
  });
  it('is false for constants and escapes', () => {
    assert.equal(hasExpression('plain $ { }'), false);
    assert.equal(hasExpression('$${payload}'), false);
    assert.equal(hasExpression({ '${key}': 'value', n: 1, z: null }), false, 'keys are not templates');
    assert.equal(hasExpression(42), false);
    assert.equal(hasExpression(undefined), false);
  });
  it('is true for a malformed expression (it is not a constant)', () => {
    assert.equal(hasExpression('broken ${payload.'), true);
  });
});

describe('collectRefs', () => {
  it('lists every reference in document order', () => {
    const refs = collectRefs({
      message: 'a ${415940|payload.firedAt} b ${payload.x}',
      binds: ['${500885|payload.rows[0]["id"]}', 3, '$${not.a.ref}'],
      nested: { deep: '${n-2|}' },
    });
    assert.deepEqual(refs.map((r) => ({ nodeId: r.nodeId, path: r.path, source: r.source })), [
      { nodeId: '415940', path: ['payload', 'firedAt'], source: '415940|payload.firedAt' },
      { nodeId: undefined, path: ['payload', 'x'], source: 'payload.x' },
      { nodeId: '500885', path: ['payload', 'rows', 0, 'id'], source: '500885|payload.rows[0]["id"]' },
      { nodeId: 'n-2', path: [], source: 'n-2|' },
    ]);
    assert.deepEqual([refs[0]?.start, refs[0]?.end], [2, 27]);
  });
  it('skips strings that do not parse', () => {
    assert.deepEqual(collectRefs(['${ok}', '${bad.}']).map((r) => r.source), ['ok']);
  });
  it('returns [] when there are none', () => {
    assert.deepEqual(collectRefs({ a: 'x', b: [1, 2] }), []);
  });
});

describe('checkValue', () => {
  it('returns no issues for valid values', () => {
    assert.deepEqual(checkValue({ a: '${payload}', b: ['x', '${n|}'], c: 5 }), []);
  });
  it('reports each malformed string with its path and position', () => {
    const issues = checkValue([
      'ok',
      '${fine}',
      { value: 'x ${payload.}' },
      { a: { b: '${' } },
      { list: ['', '${bad id!|x}'] },
    ]);
    assert.deepEqual(issues, [
      { path: '[2].value', message: "expected a key after '.', found '}' at position 12" },
      { path: '[3].a.b', message: "unclosed expression: missing '}' at position 0" },
      { path: '[4].list[1]', message: "invalid node id 'bad id!': use 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-' at position 2" },
    ]);
  });
  it('uses "" as the path of a string value itself and .key for objects', () => {
    assert.deepEqual(checkValue('${}').map((i) => i.path), ['']);
    assert.deepEqual(checkValue({ a: { b: '${payload[}' } }).map((i) => i.path), ['.a.b']);
  });
});
