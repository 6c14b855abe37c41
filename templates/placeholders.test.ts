import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionHolds, materializeFlow, referencedParams, substitute, TemplateError, wholePlaceholder } from './placeholders.ts';

const scope = {
  params: {
    table: 'orders',
    n: 5,
    list: ['a', 'b'],
    obj: { x: 1, nested: { y: 'deep' } },
    flag: false,
    empty: '',
    mapping: { TEST_INTEGER: 'aa', TEST_VARCHAR: 'bb' },
  },
  connectionTypes: { source: 'postgres' },
};

test('a string that is exactly {{x}} takes the value with its type', () => {
  assert.equal(substitute('{{n}}', scope), 5);
  assert.deepEqual(substitute('{{list}}', scope), ['a', 'b']);
  assert.deepEqual(substitute('{{obj}}', scope), { x: 1, nested: { y: 'deep' } });
  assert.equal(substitute('{{flag}}', scope), false);
  assert.equal(substitute('{{ table }}', scope), 'orders');
  assert.equal(substitute('{{obj.nested.y}}', scope), 'deep');
  // a copy, never the param object itself
  const got = substitute('{{obj}}', scope) as { x: number };
  got.x = 99;
  assert.equal(scope.params.obj.x, 1);
});

test('mixed text interpolates; objects as JSON; unset as nothing', () => {
  assert.equal(substitute('read {{table}} x{{n}}', scope), 'read orders x5');
  assert.equal(substitute('list={{list}} obj={{obj.nested}}', scope), 'list=["a","b"] obj={"y":"deep"}');
  assert.equal(substitute('[{{missing}}]', scope), '[]');
});

test('${…} runtime expressions are kept verbatim, and placeholders inside them resolve', () => {
  assert.equal(substitute('${500885|payload.aa}', scope), '${500885|payload.aa}');
  assert.equal(substitute('${payload.{{table}}}', scope), '${payload.orders}');
  assert.equal(substitute('$${literal} ${payload}', scope), '$${literal} ${payload}');
});

test('an unset exact placeholder leaves its property or array element out', () => {
  assert.deepEqual(substitute({ a: '{{table}}', b: '{{missing}}', c: ['{{missing}}', '{{n}}'] }, scope), { a: 'orders', c: [5] });
  assert.equal(substitute('{{missing}}', scope), undefined);
});

test('{{x:type}} is the type of the connection chosen in x', () => {
  assert.equal(substitute('{{source:type}}', scope), 'postgres');
  assert.equal(substitute('{{target:type}}', scope), undefined);
});

test('$if keeps then/else or leaves the property out', () => {
  const v = { inc: { $if: 'table', then: { column: '{{table}}' } }, no: { $if: 'missing', then: 1 }, alt: { $if: '!missing', then: 'yes', else: 'no' } };
  assert.deepEqual(substitute(v, scope), { inc: { column: 'orders' }, alt: 'yes' });
  assert.equal(conditionHolds('flag', scope), false);
  assert.equal(conditionHolds('empty', scope), false);
  assert.equal(conditionHolds('table=orders', scope), true);
  assert.equal(conditionHolds('table!=orders', scope), false);
  assert.equal(conditionHolds('missing!=x', scope), true);
  assert.equal(conditionHolds('n=5', scope), true);
  assert.equal(conditionHolds('list', scope), true);
  assert.equal(conditionHolds('!list', scope), false);
});

test('$map builds an object from an object or list param', () => {
  assert.deepEqual(substitute({ $map: 'mapping', value: '${500885|payload.{{$value}}}' }, scope), {
    TEST_INTEGER: '${500885|payload.aa}',
    TEST_VARCHAR: '${500885|payload.bb}',
  });
  assert.deepEqual(substitute({ $map: 'list', key: '{{$value}}', value: '${req.query.{{$value}}}' }, scope), {
    a: '${req.query.a}',
    b: '${req.query.b}',
  });
  assert.deepEqual(substitute({ $map: 'mapping', key: 'payload.{{$key}}', value: '{{$value}}' }, scope), { 'payload.TEST_INTEGER': 'aa', 'payload.TEST_VARCHAR': 'bb' });
  assert.deepEqual(substitute({ values: { $map: 'missing', value: 'x' } }, scope), {});
});

test('values are inserted once: a param holding {{…}} is not expanded again', () => {
  assert.equal(substitute('{{v}}', { params: { v: '{{table}}' } }), '{{table}}');
  assert.equal(substitute('x {{v}}', { params: { v: '{{table}}', table: 't' } }), 'x {{table}}');
});

test('object keys are interpolated too', () => {
  assert.deepEqual(substitute({ '{{table}}': '${payload}' }, scope), { orders: '${payload}' });
});

test('template mistakes throw TemplateError', () => {
  assert.throws(() => substitute('{{not valid!}}', scope), TemplateError);
  assert.throws(() => substitute({ $if: 'x', then: 1, other: 2 }, scope), TemplateError);
  assert.throws(() => substitute({ $map: 'table', value: 'x' }, scope), TemplateError);
});

test('materializeFlow keeps nodes and edges whose `when` holds and drops dangling edges', () => {
  const flow = materializeFlow(
    {
      name: 'tpl',
      description: 'd',
      nodes: [
        { id: '1', type: 'inject', params: { payload: '{{n}}' } },
        { id: '2', type: 'set', when: 'missing', params: { fields: {} } },
        { id: '3', type: '{{source:type}}', params: { connection: 'c', table: '{{table}}' } },
      ],
      edges: [
        { source: '1', target: '2' },
        { source: '2', target: '3' },
        { source: '1', target: '3', when: '!missing' },
      ],
    },
    scope,
    { name: 'mine' },
  );
  assert.deepEqual(flow, {
    name: 'mine',
    description: 'd',
    nodes: [
      { id: '1', type: 'inject', params: { payload: 5 } },
      { id: '3', type: 'postgres', params: { connection: 'c', table: 'orders' } },
    ],
    edges: [{ source: '1', target: '3' }],
  });
});

test('referencedParams and wholePlaceholder', () => {
  const refs = referencedParams({ a: '{{x}} and {{y.z}}', b: { $if: '!w=1', then: '{{$value}}' }, c: { $map: 'm', value: '' }, when: 'k', d: '{{src:type}}' });
  assert.deepEqual([...refs].sort(), ['k', 'm', 'src', 'w', 'x', 'y']);
  assert.equal(wholePlaceholder('{{ timezone }}'), 'timezone');
  assert.equal(wholePlaceholder('{{source:type}}'), undefined);
  assert.equal(wholePlaceholder('a {{b}}'), undefined);
});
