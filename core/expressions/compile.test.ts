import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExpressionError, compileValue } from './index.ts';
import type { EvalScope } from './index.ts';

const outputs: Record<string, unknown> = {
  '500885': { payload: { aa: 42, rows: [{ id: 1 }, { id: 2 }] }, topic: 'db' },
  timer: { payload: { firedAt: '2024-01-01T00:00:00.000Z' } },
};
const scope: EvalScope = {
  message: {
    payload: {
      n: 3.5, zero: 0, s: 'text', t: true, f: false, nil: null, obj: { a: 1, b: [1, 'x'] }, arr: [1, 2],
      'a b': 'spaced', 名前: '太郎', empty: '', big: 12n,
    },
    topic: 'orders',
  },
  nodeOutput: (id) => outputs[id],
};
const run = (value: unknown, s: EvalScope = scope): unknown => compileValue(value)(s);

describe('compileValue: one expression keeps the type', () => {
  it('returns numbers, strings, booleans, null, objects and arrays as they are', () => {
    assert.equal(run('${payload.n}'), 3.5);
    assert.equal(run('${payload.zero}'), 0);
    assert.equal(run('${payload.s}'), 'text');
    assert.equal(run('${payload.t}'), true);
    assert.equal(run('${payload.f}'), false);
    assert.equal(run('${payload.nil}'), null);
    assert.deepEqual(run('${payload.obj}'), { a: 1, b: [1, 'x'] });
    assert.deepEqual(run('${payload.arr}'), [1, 2]);
    assert.equal(run('${payload.big}'), 12n);
  });
  it('returns null for a missing value', () => {
    assert.equal(run('${payload.missing}'), null);
    assert.equal(run('${payload.obj.a.deeper}'), null);
    assert.equal(run('${nobody|payload}'), null, 'node without output');
  });
  it('reads other nodes\' outputs', () => {
    assert.equal(run('${500885|payload.aa}'), 42);
    assert.equal(run('${ 500885 | payload.rows[1].id }'), 2);
    assert.equal(run('${timer|payload.firedAt}'), '2024-01-01T00:00:00.000Z');
  });
  it('returns a node\'s whole message for ${nodeId|}', () => {
    assert.equal(run('${500885|}'), outputs['500885']);
    assert.equal(run('${nobody|}'), null);
  });
  it('reads bracket, quoted and unicode keys', () => {
    assert.equal(run('${payload["a b"]}'), 'spaced');
    assert.equal(run("${payload['名前']}"), '太郎');
    assert.equal(run('${payload.名前}'), '太郎');
    assert.equal(run('${payload.obj.b[1]}'), 'x');
    assert.equal(run('${payload.arr.1}'), 2);
  });
});

describe('compileValue: interpolation', () => {
  it('interpolates values as text', () => {
    assert.equal(run('n=${payload.n}, s=${payload.s}, t=${payload.t}, f=${payload.f}'), 'n=3.5, s=text, t=true, f=false');
    assert.equal(run('fired at ${timer|payload.firedAt}'), 'fired at 2024-01-01T00:00:00.000Z');
    assert.equal(run('${payload.zero} items'), '0 items');
    assert.equal(run('big ${payload.big}'), 'big 12');
  });
  it('writes objects and arrays as JSON', () => {
    assert.equal(run('obj=${payload.obj}'), 'obj={"a":1,"b":[1,"x"]}');
    assert.equal(run('arr=${payload.arr};'), 'arr=[1,2];');
    assert.equal(run('msg ${500885|}'), `msg ${JSON.stringify(outputs['500885'])}`);
  });
  it('writes null and missing values as ""', () => {
    assert.equal(run('[${payload.nil}]'), '[]');
    assert.equal(run('[${payload.missing}]'), '[]');
    assert.equal(run('[${nobody|payload}]'), '[]');
  });
  it('joins adjacent expressions', () => {
    assert.equal(run('${payload.s}${payload.n}'), 'text3.5');
    assert.equal(run('${payload.s}${payload.missing}${500885|payload.aa}'), 'text42');
    assert.equal(run('${payload.nil}${payload.missing}'), '', 'two expressions are never a single typed value');
  });
  it('handles the $${ escape next to expressions', () => {
    assert.equal(run('$${payload.s} is ${payload.s}'), '${payload.s} is text');
    assert.equal(run('$${x}'), '${x}');
    assert.equal(run('$$${x}'), '$${x}');
  });
  it('writes dates as ISO text and survives BigInt inside objects', () => {
    const d = new Date('2024-05-06T07:08:09.000Z');
    const s: EvalScope = { message: { payload: { d, nested: { n: 5n } } }, nodeOutput: () => undefined };
    assert.equal(run('at ${payload.d}', s), 'at 2024-05-06T07:08:09.000Z');
    assert.equal(run('${payload.d}', s), d, 'alone, a Date stays a Date');
    assert.equal(run('v=${payload.nested}', s), 'v={"n":"5"}');
  });
});

describe('compileValue: constants', () => {
  it('returns strings without expressions unchanged', () => {
    const text = 'plain text with $ and { }';
    assert.equal(run(text), text);
    assert.equal(run(''), '');
  });
  it('returns non-string scalars as they are', () => {
    assert.equal(run(5), 5);
    assert.equal(run(true), true);
    assert.equal(run(null), null);
    assert.equal(run(undefined), undefined);
  });
  it('returns the same constant each call', () => {
    const fn = compileValue({ a: [1, { b: 'x' }], c: '$${lit}' });
    const first = fn(scope);
    assert.deepEqual(first, { a: [1, { b: 'x' }], c: '${lit}' });
    assert.equal(fn(scope), first);
  });
  it('does not depend on the scope for constants', () => {
    const fn = compileValue('static');
    assert.equal(fn({ message: undefined, nodeOutput: () => { throw new Error('not called'); } }), 'static');
  });
});

describe('compileValue: nested values', () => {
  it('compiles strings inside objects and arrays, not keys', () => {
    const fn = compileValue({
      '${payload.s}': 'key stays',
      sql: 'select 1',
      binds: ['${payload.n}', '${500885|payload.rows[0]}', 7, null, 'id ${payload.zero}'],
      deep: { list: [{ v: '${payload.t}' }], c: { k: 'const' } },
    });
    const out = fn(scope);
    assert.deepEqual(out, {
      '${payload.s}': 'key stays',
      sql: 'select 1',
      binds: [3.5, { id: 1 }, 7, null, 'id 0'],
      deep: { list: [{ v: true }], c: { k: 'const' } },
    });
  });
  it('builds fresh containers for dynamic parts on every call', () => {
    const fn = compileValue({ a: '${payload.n}', list: ['${payload.s}'] });
    const one = fn(scope) as { list: unknown[] };
    const two = fn(scope) as { list: unknown[] };
    assert.notEqual(one, two);
    assert.notEqual(one.list, two.list);
  });
  it('sees a new message on each call', () => {
    const fn = compileValue(['${payload}', 'v=${payload}']);
    const at = (payload: unknown): EvalScope => ({ message: { payload }, nodeOutput: () => undefined });
    assert.deepEqual(fn(at(1)), [1, 'v=1']);
    assert.deepEqual(fn(at({ x: 1 })), [{ x: 1 }, 'v={"x":1}']);
    assert.deepEqual(fn(at(undefined)), [null, 'v=']);
  });
  it('keeps a __proto__ key as data', () => {
    const params = JSON.parse('{"__proto__":"${payload.s}","x":1}') as unknown;
    const out = compileValue(params)(scope) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__', 'x']);
    assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, 'text');
  });
  it('throws ExpressionError at compile time for a malformed string anywhere', () => {
    assert.throws(() => compileValue({ a: [{ b: 'x ${payload.}' }] }), ExpressionError);
  });
});

describe('compileValue: prototype pollution attempts read as missing', () => {
  it('does not reach prototypes or constructors', () => {
    assert.equal(run('${payload.__proto__}'), null);
    assert.equal(run('${payload.constructor}'), null);
    assert.equal(run('${payload.constructor.constructor}'), null);
    assert.equal(run('${payload["constructor"]["constructor"]}'), null);
    assert.equal(run('${payload.s.constructor}'), null);
    assert.equal(run('${payload.toString}'), null);
    assert.equal(run('${payload.arr.map}'), null);
    assert.equal(run('${500885|__proto__}'), null);
    assert.equal(run('x${payload.__proto__.polluted}y'), 'xy');
  });
  it('ignores own __proto__ / constructor keys from parsed JSON', () => {
    const message: unknown = JSON.parse('{"payload":{"__proto__":{"x":1},"constructor":{"name":"evil"}}}');
    const s: EvalScope = { message, nodeOutput: () => undefined };
    assert.equal(run('${payload.__proto__.x}', s), null);
    assert.equal(run('${payload.constructor.name}', s), null);
  });
});

describe('compileValue: speed', () => {
  it('evaluates a compiled template at least 500k times per second', () => {
    const fn = compileValue({ msg: 'row ${500885|payload.aa} of ${payload.s}', n: '${payload.n}', k: 'const' });
    const n = 200_000;
    for (let i = 0; i < 20_000; i++) fn(scope); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn(scope);
    const perSecond = n / ((performance.now() - t0) / 1000);
    assert.ok(perSecond > 500_000, `${Math.round(perSecond)} evaluations/s`);
  });
});
