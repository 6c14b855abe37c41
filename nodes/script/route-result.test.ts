import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { routeResult } from './route-result.ts';

const one = ['out'];
const three = ['out', 'out2', 'out3'];

describe('script results → messages per port', () => {
  test('null and undefined send nothing', () => {
    assert.deepEqual(routeResult(null, one), []);
    assert.deepEqual(routeResult(undefined, three), []);
  });

  test('one output: a message, or an array of messages (null entries skipped, [[…]] flattened once)', () => {
    assert.deepEqual(routeResult({ payload: 1 }, one), [{ port: 'out', msg: { payload: 1 } }]);
    assert.deepEqual(routeResult([{ payload: 1 }, null, { payload: 2 }], one), [
      { port: 'out', msg: { payload: 1 } },
      { port: 'out', msg: { payload: 2 } },
    ]);
    assert.deepEqual(routeResult([[{ a: 1 }, { a: 2 }]], one).map((e) => e.msg), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(routeResult([], one), []);
  });

  test('a value that is not an object becomes {payload: value}', () => {
    assert.deepEqual(routeResult(42, one), [{ port: 'out', msg: { payload: 42 } }]);
    assert.deepEqual(routeResult('text', three), [{ port: 'out', msg: { payload: 'text' } }]);
    assert.deepEqual(routeResult([true, 'x'], one).map((e) => e.msg), [{ payload: true }, { payload: 'x' }]);
  });

  test('several outputs: one entry per port — a message, an array of messages, or null', () => {
    assert.deepEqual(routeResult([{ a: 1 }, null, [{ c: 1 }, { c: 2 }]], three), [
      { port: 'out', msg: { a: 1 } },
      { port: 'out3', msg: { c: 1 } },
      { port: 'out3', msg: { c: 2 } },
    ]);
    assert.deepEqual(routeResult([null, { b: 1 }], three), [{ port: 'out2', msg: { b: 1 } }], 'fewer entries than ports is fine');
    assert.deepEqual(routeResult({ plain: true }, three), [{ port: 'out', msg: { plain: true } }], 'a single message goes on the first port');
  });

  test('more entries than ports, or arrays nested too deep, are errors', () => {
    assert.throws(() => routeResult([{}, {}, {}, {}], three), /returned 4 entries but has 3 outputs/);
    assert.throws(() => routeResult([[[{ a: 1 }]]], one), /array inside an array/);
    assert.throws(() => routeResult([[[{ a: 1 }]], null], three), /output 1 holds an array inside an array/);
  });
});
