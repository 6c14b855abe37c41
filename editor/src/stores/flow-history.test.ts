// Undo and redo over every edit of the open flow (delete, params, moves, wires, name, paste),
// with one step per user gesture: one drag, one word typed in one field, one delete with its wires.
import '../testing/browser.test-support.ts';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowView } from '../api/types.ts';
import { nodeTypeInfos } from '../testing/server.test-support.ts';
import { useFlow } from './flow-store.ts';
import { useNodeTypes } from './node-types-store.ts';

const flow = () => useFlow.getState();
const node = (id: string) => flow().nodes.find((n) => n.id === id);
const ids = () => flow().nodes.map((n) => n.id);
const wires = () => flow().edges.map((e) => `${e.source}->${e.target}`).sort();

const view: FlowView = {
  id: 'f_1', version: 1, state: 'stopped', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
  name: 'Orders',
  nodes: [
    { id: '100001', type: 'inject', params: { payload: { x: 1 } }, position: { x: 0, y: 0 } },
    { id: '100002', type: 'set', params: { fields: { 'payload.y': '${100001|payload.x}' } }, position: { x: 250, y: 0 } },
    { id: '100003', type: 'log', params: { message: 'y=${100002|payload.y}' }, position: { x: 500, y: 0 } },
  ],
  edges: [{ source: '100001', target: '100002' }, { source: '100002', target: '100003' }],
};

beforeEach(() => {
  useNodeTypes.setState({ list: [...nodeTypeInfos], byType: new Map(nodeTypeInfos.map((t) => [t.type, t])), loaded: true });
  flow().load(view);
});

test('an opened flow has nothing to undo or redo', () => {
  assert.equal(flow().canUndo, false);
  assert.equal(flow().canRedo, false);
  flow().undo();
  assert.deepEqual(ids(), ['100001', '100002', '100003']);
});

test('deleting the selection is one step: undo brings the node and its wires back, redo removes them again', () => {
  flow().select('100002');
  flow().deleteSelection();
  assert.deepEqual(ids(), ['100001', '100003']);
  assert.deepEqual(wires(), []);
  assert.equal(flow().canUndo, true);
  flow().undo();
  assert.deepEqual(ids(), ['100001', '100002', '100003']);
  assert.deepEqual(wires(), ['100001->100002', '100002->100003']);
  assert.equal(flow().canRedo, true);
  flow().redo();
  assert.deepEqual(ids(), ['100001', '100003']);
  assert.deepEqual(wires(), []);
});

test('the inspector\'s Delete node button is undone the same way', () => {
  flow().removeNode('100001');
  assert.deepEqual(ids(), ['100002', '100003']);
  flow().undo();
  assert.deepEqual(ids(), ['100001', '100002', '100003']);
  assert.deepEqual(wires(), ['100001->100002', '100002->100003']);
});

test('a selected wire alone can be deleted and undone', () => {
  useFlow.setState({ edges: flow().edges.map((e) => (e.source === '100001' ? { ...e, selected: true } : e)) });
  flow().deleteSelection();
  assert.deepEqual(wires(), ['100002->100003']);
  flow().undo();
  assert.deepEqual(wires(), ['100001->100002', '100002->100003']);
});

test('deleting on the canvas (node and wire removals in separate calls) is one step', () => {
  flow().onNodesChange([{ type: 'remove', id: '100003' }]);
  flow().onEdgesChange([{ type: 'remove', id: flow().edges.find((e) => e.target === '100003')!.id }]);
  flow().undo();
  assert.deepEqual(ids(), ['100001', '100002', '100003']);
  assert.deepEqual(wires(), ['100001->100002', '100002->100003']);
  assert.equal(flow().canUndo, false);
});

test('typing into one field is one step; the next field is another; undo restores the old values', () => {
  const type = (text: string) => {
    for (let i = 1; i <= text.length; i++) flow().updateNode('100003', { params: { ...node('100003')!.data.params, message: text.slice(0, i) } });
  };
  type('hello');
  flow().updateNode('100003', { params: { ...node('100003')!.data.params, level: 'warn' } });
  assert.equal(flow().history.past.length, 2);
  flow().undo();
  assert.deepEqual(node('100003')!.data.params, { message: 'hello' });
  flow().undo();
  assert.deepEqual(node('100003')!.data.params, { message: 'y=${100002|payload.y}' });
  assert.equal(flow().canUndo, false);
  flow().redo();
  flow().redo();
  assert.deepEqual(node('100003')!.data.params, { message: 'hello', level: 'warn' });
});

test('a patch that changes nothing is not a step', () => {
  flow().updateNode('100003', { params: { ...node('100003')!.data.params } });
  assert.equal(flow().canUndo, false);
});

test('a drag is one step however many moves it has', () => {
  for (let x = 500; x <= 600; x += 10) flow().onNodesChange([{ type: 'position', id: '100003', position: { x, y: 0 }, dragging: true }]);
  flow().onNodesChange([{ type: 'position', id: '100003', position: { x: 600, y: 0 }, dragging: false }]);
  assert.deepEqual(node('100003')!.position, { x: 600, y: 0 });
  assert.equal(flow().history.past.length, 1);
  flow().onNodesChange([{ type: 'position', id: '100003', position: { x: 700, y: 0 }, dragging: true }]);
  flow().onNodesChange([{ type: 'position', id: '100003', position: { x: 700, y: 0 }, dragging: false }]);
  assert.equal(flow().history.past.length, 2, 'the next drag is the next step');
  flow().undo();
  assert.deepEqual(node('100003')!.position, { x: 600, y: 0 });
  flow().undo();
  assert.deepEqual(node('100003')!.position, { x: 500, y: 0 });
});

test('selecting and measuring are not steps', () => {
  flow().onNodesChange([{ type: 'select', id: '100001', selected: true }, { type: 'dimensions', id: '100001', dimensions: { width: 10, height: 10 } }]);
  assert.equal(flow().canUndo, false);
});

test('wiring, adding a node and renaming the flow are undone in reverse order', () => {
  const added = flow().addNode('log', { x: 800, y: 0 });
  flow().connect({ source: '100003', target: added, sourceHandle: 'out', targetHandle: 'in' });
  flow().setMeta({ name: 'Orders v2' });
  flow().undo();
  assert.equal(flow().name, 'Orders');
  flow().undo();
  assert.deepEqual(wires(), ['100001->100002', '100002->100003']);
  flow().undo();
  assert.deepEqual(ids(), ['100001', '100002', '100003']);
});

test('undo keeps the current selection; back at the saved flow nothing is unsaved, elsewhere it is', () => {
  flow().select('100002');
  flow().updateNode('100001', { name: 'Start' });
  assert.equal(flow().dirty, true);
  flow().undo();
  assert.equal(node('100001')!.data.name, undefined);
  assert.equal(node('100002')!.selected, true);
  assert.equal(flow().dirty, false, 'back to the flow as opened');
  flow().redo();
  assert.equal(flow().dirty, true);
  flow().saved({ ...view, version: 2 });
  assert.equal(flow().dirty, false);
  flow().undo();
  assert.equal(flow().dirty, true, 'the saved version has the name; undoing it is a change');
  flow().redo();
  assert.equal(flow().dirty, false);
});

test('a new edit after undo drops the redo steps', () => {
  flow().updateNode('100001', { name: 'Start' });
  flow().undo();
  flow().updateNode('100001', { name: 'Begin' });
  assert.equal(flow().canRedo, false);
});

test('Ctrl+A selects every node and wire', () => {
  flow().selectAll();
  assert.ok(flow().nodes.every((n) => n.selected));
  assert.ok(flow().edges.every((e) => e.selected));
});

test('copy and paste: the copies are new, wired, point at each other, selected alone; undo removes them', () => {
  flow().selectAll();
  const copied = flow().copySelection();
  const added = flow().paste(copied, { offset: { x: 40, y: 40 } });
  assert.equal(added.length, 3);
  assert.equal(flow().nodes.length, 6);
  assert.deepEqual(flow().nodes.filter((n) => n.selected).map((n) => n.id), added);
  const [a, b, c] = added as [string, string, string];
  assert.deepEqual(wires(), ['100001->100002', '100002->100003', `${a}->${b}`, `${b}->${c}`].sort());
  assert.deepEqual(node(b)!.data.params, { fields: { 'payload.y': `\${${a}|payload.x}` } });
  assert.equal(node(c)!.data.params['message'], `y=\${${b}|payload.y}`);
  assert.deepEqual(node(c)!.position, { x: 540, y: 40 });
  assert.equal(flow().dirty, true);
  flow().undo();
  assert.deepEqual(ids(), ['100001', '100002', '100003']);
});

test('loading another flow forgets the history', () => {
  flow().updateNode('100001', { name: 'Start' });
  flow().load(view);
  assert.equal(flow().canUndo, false);
});

test('a pasted copy of a node with a stored secret has the secret empty, not "***"', () => {
  const added = flow().paste({ nodes: [{ id: '700001', type: 'http-in', params: { method: 'POST', path: 'p', auth: 'bearer', token: '***' } }], edges: [] }, { offset: { x: 0, y: 0 } });
  assert.equal(added.length, 1);
  assert.deepEqual(node(added[0]!)!.data.params, { method: 'POST', path: 'p', auth: 'bearer' });
});
