// Copy and paste of nodes: the copy keeps only the wires inside the selection; a paste gets new
// ids, wires and `${id|…}` references between the pasted nodes point at the copies, positions
// move; pasted text is our export format or a flow document, and anything else is refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowNode } from '../../../core/flow-types.ts';
import { fragmentOf, fragmentText, maskedSecrets, parseFragment, prepareFragment, withoutMaskedSecrets, type Fragment } from './clipboard.ts';

const flow: Fragment = {
  nodes: [
    { id: '100001', type: 'inject', params: { payload: { x: 1 } }, position: { x: 0, y: 0 } },
    { id: '100002', type: 'set', params: { fields: { 'payload.y': '${100001|payload.x}', 'payload.z': '${100009|payload}' } }, position: { x: 250, y: 0 } },
    { id: '100003', type: 'log', params: { message: 'y=${100002|payload.y} ${payload.y}' }, position: { x: 500, y: 0 } },
    { id: '100009', type: 'log', params: {}, position: { x: 500, y: 200 } },
  ],
  edges: [
    { source: '100001', sourcePort: 'out', target: '100002', targetPort: 'in' },
    { source: '100002', sourcePort: 'out', target: '100003', targetPort: 'in' },
    { source: '100002', sourcePort: 'error', target: '100009', targetPort: 'in' },
  ],
};
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};
const byType = (nodes: FlowNode[], type: string) => nodes.find((n) => n.type === type)!;

test('a copy holds the selected nodes and only the wires between them', () => {
  const part = fragmentOf(flow, new Set(['100001', '100002', '100003']));
  assert.deepEqual(part.nodes.map((n) => n.id), ['100001', '100002', '100003']);
  assert.equal(part.edges.length, 2, 'the wire to the unselected node is left out');
});

test('a paste gets new ids, keeps its wires between the copies and points its references at them', () => {
  const part = fragmentOf(flow, new Set(['100001', '100002', '100003']));
  const taken = new Set(flow.nodes.map((n) => n.id));
  const out = prepareFragment(part, taken, { offset: { x: 40, y: 40 } });
  assert.equal(out.nodes.length, 3);
  for (const n of out.nodes) {
    assert.match(n.id, /^\d{6}$/);
    assert.ok(!taken.has(n.id), 'a new id');
  }
  assert.equal(new Set(out.nodes.map((n) => n.id)).size, 3);
  const [inj, set, log] = [byType(out.nodes, 'inject'), byType(out.nodes, 'set'), byType(out.nodes, 'log')];
  assert.deepEqual(out.edges.map((e) => `${e.source}:${e.sourcePort}->${e.target}:${e.targetPort}`), [`${inj.id}:out->${set.id}:in`, `${set.id}:out->${log.id}:in`]);
  assert.deepEqual(set.params, { fields: { 'payload.y': `\${${inj.id}|payload.x}`, 'payload.z': '${100009|payload}' } }, 'a reference outside the copy keeps its node');
  assert.equal(log.params['message'], `y=\${${set.id}|payload.y} \${payload.y}`);
  assert.deepEqual(set.position, { x: 290, y: 40 });
  assert.deepEqual(flow.nodes[1]!.params, { fields: { 'payload.y': '${100001|payload.x}', 'payload.z': '${100009|payload}' } }, 'the originals are untouched');
});

test('a paste can be placed with its top-left corner at a point', () => {
  const out = prepareFragment(flow, new Set(), { at: { x: 1000, y: 500 } });
  assert.deepEqual(out.nodes.map((n) => n.position), [{ x: 1000, y: 500 }, { x: 1250, y: 500 }, { x: 1500, y: 500 }, { x: 1500, y: 700 }]);
});

test('placed at a point, the paste moves down until it covers no existing node', () => {
  const part: Fragment = { nodes: [{ id: 'a', type: 'log', params: {}, position: { x: 0, y: 0 } }, { id: 'b', type: 'log', params: {}, position: { x: 250, y: 0 } }], edges: [] };
  const out = prepareFragment(part, new Set(), { at: { x: 100, y: 100 }, around: [{ x: 400, y: 120 }, { x: 400, y: 200 }] });
  const [a, b] = out.nodes.map((n) => n.position!) as [{ x: number; y: number }, { x: number; y: number }];
  assert.equal(a.x, 100);
  assert.ok(a.y >= 300, `below the nodes it would cover (y=${a.y})`);
  assert.deepEqual(b, { x: a.x + 250, y: a.y }, 'the pasted nodes keep their layout');
});

test('new ids never collide with the flow or with each other', () => {
  const out = prepareFragment(flow, new Set(['555555']), { offset: { x: 0, y: 0 } }, seq(0.5, 0.5, 0.5, 0.1, 0.2, 0.3, 0.4));
  const ids = out.nodes.map((n) => n.id);
  assert.equal(new Set(ids).size, 4);
  assert.ok(!ids.includes('555555'));
});

test('the copy text is our export format and pastes back to the same nodes', () => {
  const part = fragmentOf(flow, new Set(['100001', '100002']));
  const text = fragmentText(part, 'Copied nodes', new Date('2026-01-01T00:00:00Z'));
  const file = JSON.parse(text);
  assert.equal(file.format, 'tributary-flow');
  assert.equal(file.formatVersion, 1);
  assert.equal(file.flow.name, 'Copied nodes');
  const back = parseFragment(text);
  assert.ok('fragment' in back);
  assert.deepEqual(back.fragment, part);
});

test('a bare flow document pastes too; missing params and edges are allowed', () => {
  const back = parseFragment(JSON.stringify({ name: 'x', nodes: [{ id: 'a', type: 'log' }] }));
  assert.ok('fragment' in back);
  assert.deepEqual(back.fragment, { nodes: [{ id: 'a', type: 'log', params: {} }], edges: [] });
});

test('text that is not a flow is refused with the field that is wrong', () => {
  const err = (text: string) => {
    const r = parseFragment(text);
    assert.ok('error' in r, text);
    return r.error;
  };
  assert.match(err('hello'), /not JSON/);
  assert.match(err('42'), /not a flow/);
  assert.match(err('[{"id":"n1","type":"inject","z":"t1"}]'), /Node-RED/);
  assert.match(err('{"format":"tributary-flow","flow":{"name":"x"}}'), /^flow\.nodes/);
  assert.match(err('{"nodes":[{"id":"a"}]}'), /^nodes\[0\]\.type/);
  assert.match(err('{"nodes":[{"id":"a","type":"log","params":"x"}]}'), /^nodes\[0\]\.params/);
  assert.match(err('{"nodes":[{"id":"a","type":"log","position":{"x":"1"}}]}'), /^nodes\[0\]\.position/);
  assert.match(err('{"nodes":[{"id":"a","type":"log"}],"edges":[{"source":"a"}]}'), /^edges\[0\]/);
  assert.match(err('{"nodes":[]}'), /no nodes/);
});

test('wires to nodes outside a pasted text and repeated wires are dropped', () => {
  const out = prepareFragment({ nodes: [{ id: 'a', type: 'log', params: {} }, { id: 'b', type: 'log', params: {} }], edges: [{ source: 'a', target: 'b' }, { source: 'a', target: 'b' }, { source: 'a', target: 'zz' }] }, new Set(), { offset: { x: 0, y: 0 } });
  assert.equal(out.edges.length, 1);
});

test('a stored secret ("***") is not copied: the copy leaves it empty and the user is told which', () => {
  const part: Fragment = {
    nodes: [
      { id: 'h', type: 'http-in', params: { path: 'x', auth: 'bearer', token: '***' } },
      { id: 'l', type: 'log', params: { message: '***' } },
      { id: 'k', type: 'http-in', params: { path: 'y', auth: 'bearer', token: 'typed-here' } },
    ],
    edges: [],
  };
  const sensitiveOf = (type: string) => (type === 'http-in' ? ['token'] : []);
  assert.deepEqual(maskedSecrets(part, sensitiveOf), [{ nodeId: 'h', param: 'token' }]);
  const out = withoutMaskedSecrets(part, sensitiveOf);
  assert.deepEqual(out.nodes.map((n) => n.params), [{ path: 'x', auth: 'bearer' }, { message: '***' }, { path: 'y', auth: 'bearer', token: 'typed-here' }]);
});
