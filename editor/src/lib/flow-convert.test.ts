// Flow documents ↔ the canvas (reactflow nodes and edges), and the ports a node shows, from the
// real node specs as GET /api/node-types gives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowDocument } from '../../../core/flow-types.ts';
import { nodeTypeInfo, nodeTypeInfos } from '../testing/server.test-support.ts';
import { toCanvasEdge, toCanvasNode, toDocument, type CanvasNode } from './flow-convert.ts';
import { allOutputPorts, inputPorts, outputPorts } from './ports.ts';

const canvasOf = (doc: FlowDocument) => ({ nodes: doc.nodes.map(toCanvasNode), edges: doc.edges.map(toCanvasEdge) });
const meta = (doc: FlowDocument) => ({ name: doc.name, description: doc.description ?? '', settings: doc.settings ?? {} });

const sample: FlowDocument = {
  name: 'Orders sync',
  description: 'every minute',
  settings: { trace: 'errors' },
  nodes: [
    { id: '415940', type: 'timer', name: 'Every minute', params: { unit: 'minute', interval: 1 }, position: { x: 80, y: 120 } },
    { id: '415941', type: 'switch', params: { rules: [{ value: '${payload.n}', op: 'gt', arg: 1 }] }, position: { x: 320, y: 120 } },
    { id: '415942', type: 'log', params: { message: 'big ${payload.n}' }, position: { x: 560, y: 40 }, disabled: true },
    { id: '415943', type: 'log', params: {}, position: { x: 560, y: 200 }, retry: { attempts: 3, backoffMs: 500 }, onError: 'port' },
    { id: '415944', type: 'log', params: { level: 'error' }, position: { x: 800, y: 200 } },
  ],
  edges: [
    { source: '415940', sourcePort: 'out', target: '415941', targetPort: 'in' },
    { source: '415941', sourcePort: 'rule1', target: '415942', targetPort: 'in' },
    { source: '415941', sourcePort: 'else', target: '415943', targetPort: 'in' },
    { source: '415943', sourcePort: 'error', target: '415944', targetPort: 'in' },
  ],
};

test('a flow document comes back unchanged after a trip through the canvas', () => {
  const { nodes, edges } = canvasOf(sample);
  assert.deepEqual(toDocument(meta(sample), nodes, edges), sample);
});

test('node options show on the canvas node: name, disabled, retry and on-error policy', () => {
  const { nodes } = canvasOf(sample);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  assert.equal(byId.get('415940')?.data.name, 'Every minute');
  assert.equal(byId.get('415942')?.data.disabled, true);
  assert.equal(byId.get('415941')?.data.disabled, undefined);
  assert.deepEqual(byId.get('415943')?.data.retry, { attempts: 3, backoffMs: 500 });
  assert.equal(byId.get('415943')?.data.onError, 'port');
  assert.ok(nodes.every((n) => n.type === 'tributary'), 'every node is drawn by the tributary node card');
});

test('re-enabling a node drops "disabled" from the saved document, and an empty name is not saved', () => {
  const { nodes, edges } = canvasOf(sample);
  const edited = nodes.map((n): CanvasNode => (n.id === '415942' ? { ...n, data: { ...n.data, disabled: false, name: '' } } : n));
  const saved = toDocument(meta(sample), edited, edges).nodes.find((n) => n.id === '415942');
  assert.ok(saved);
  assert.equal('disabled' in saved, false);
  assert.equal('name' in saved, false);
});

test('dragged positions are saved as whole pixels', () => {
  const { nodes, edges } = canvasOf(sample);
  const moved = nodes.map((n) => (n.id === '415940' ? { ...n, position: { x: 101.4, y: 219.6 } } : n));
  assert.deepEqual(toDocument(meta(sample), moved, edges).nodes[0]?.position, { x: 101, y: 220 });
});

test('nodes without a position (a hand-written import) are laid out in a grid, none on top of another', () => {
  const doc: FlowDocument = { name: 'x', nodes: Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, type: 'log', params: {} })), edges: [] };
  const spots = doc.nodes.map(toCanvasNode).map((n) => `${n.position.x},${n.position.y}`);
  assert.equal(new Set(spots).size, 12);
  // five to a row
  assert.equal(toCanvasNode(doc.nodes[5]!, 5).position.x, toCanvasNode(doc.nodes[0]!, 0).position.x);
  assert.ok(toCanvasNode(doc.nodes[5]!, 5).position.y > toCanvasNode(doc.nodes[0]!, 0).position.y);
});

test('edges without ports connect out → in; the saved document names the ports', () => {
  const doc: FlowDocument = {
    name: 'x',
    nodes: [{ id: 'a', type: 'inject', params: {} }, { id: 'b', type: 'log', params: {} }],
    edges: [{ source: 'a', target: 'b' }],
  };
  const { nodes, edges } = canvasOf(doc);
  assert.equal(edges[0]?.sourceHandle, 'out');
  assert.equal(edges[0]?.targetHandle, 'in');
  assert.deepEqual(toDocument(meta(doc), nodes, edges).edges, [{ source: 'a', sourcePort: 'out', target: 'b', targetPort: 'in' }]);
});

test('two edges between the same nodes from different ports stay two edges, and error-port edges look different', () => {
  const { edges } = canvasOf({
    name: 'x',
    nodes: [],
    edges: [
      { source: 's', sourcePort: 'rule1', target: 't' },
      { source: 's', sourcePort: 'else', target: 't' },
      { source: 's', sourcePort: 'error', target: 't' },
    ],
  });
  assert.equal(new Set(edges.map((e) => e.id)).size, 3);
  assert.deepEqual(edges.map((e) => e.className), [undefined, undefined, 'edge-error-port']);
});

test('an empty description and empty settings are left out of the saved document', () => {
  const doc = toDocument({ name: 'n', description: '', settings: {} }, [], []);
  assert.deepEqual(doc, { name: 'n', nodes: [], edges: [] });
});

test('a switch shows one port per rule, then "else", then "error"', () => {
  const info = nodeTypeInfo('switch');
  assert.deepEqual(allOutputPorts(info, {}), ['else', 'error']);
  const rules = [{ value: '${payload}', op: 'eq', arg: 1 }, { value: '${payload}', op: 'eq', arg: 2 }, { value: '${payload}', op: 'exists' }];
  assert.deepEqual(allOutputPorts(info, { rules }), ['rule1', 'rule2', 'rule3', 'else', 'error']);
});

test('a script shows as many outputs as its "outputs" param asks, within 1…16', () => {
  const info = nodeTypeInfo('script');
  assert.deepEqual(outputPorts(info, {}), ['out']);
  assert.deepEqual(outputPorts(info, { outputs: 3 }), ['out', 'out2', 'out3']);
  assert.equal(outputPorts(info, { outputs: 99 }).length, 16);
  assert.deepEqual(outputPorts(info, { outputs: 0 }), ['out']);
  assert.deepEqual(outputPorts(info, { outputs: 'three' }), ['out'], 'a value that is not a number yet (being typed) keeps one port');
});

test('triggers have no input and no error port; every node with an input has an error port', () => {
  for (const info of nodeTypeInfos) {
    const ports = allOutputPorts(info, {});
    if (info.trigger) {
      assert.deepEqual(inputPorts(info), [], info.type);
      assert.equal(ports.includes('error'), false, info.type);
    }
    assert.equal(ports.includes('error'), inputPorts(info).length > 0, info.type);
  }
});

test('a node of a type the server does not know keeps a plain in/out so it stays visible and wired', () => {
  assert.deepEqual(inputPorts(undefined), ['in']);
  assert.deepEqual(allOutputPorts(undefined, {}), ['out']);
});
