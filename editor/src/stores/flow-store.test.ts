// The open flow as the user edits it on the canvas: add, move, wire, edit, select, delete, the
// "unsaved" mark, and the server's save complaints pinned on nodes and edges.
import '../testing/browser.test-support.ts';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowView } from '../api/types.ts';
import { nodeTypeInfos } from '../testing/server.test-support.ts';
import { useFlow } from './flow-store.ts';
import { useNodeTypes } from './node-types-store.ts';

const flow = () => useFlow.getState();
const node = (id: string) => flow().nodes.find((n) => n.id === id);
const edgePorts = () => flow().edges.map((e) => `${e.source}:${e.sourceHandle}->${e.target}:${e.targetHandle}`).sort();

const view: FlowView = {
  id: 'f_1', version: 4, state: 'stopped', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
  name: 'Routing', description: 'by size',
  nodes: [
    { id: 'in', type: 'inject', params: { payload: { n: 5 } }, position: { x: 0, y: 0 } },
    { id: 'sw', type: 'switch', params: { rules: [{ value: '${payload.n}', op: 'gt', arg: 3 }, { value: '${payload.n}', op: 'lt', arg: 0 }] }, position: { x: 250, y: 0 } },
    { id: 'big', type: 'log', params: {}, position: { x: 500, y: -100 } },
    { id: 'neg', type: 'log', params: {}, position: { x: 500, y: 0 } },
    { id: 'rest', type: 'log', params: {}, position: { x: 500, y: 100 } },
  ],
  edges: [
    { source: 'in', target: 'sw' },
    { source: 'sw', sourcePort: 'rule1', target: 'big' },
    { source: 'sw', sourcePort: 'rule2', target: 'neg' },
    { source: 'sw', sourcePort: 'else', target: 'rest' },
    { source: 'sw', sourcePort: 'error', target: 'rest' },
  ],
};

beforeEach(() => {
  useNodeTypes.setState({ list: [...nodeTypeInfos], byType: new Map(nodeTypeInfos.map((t) => [t.type, t])), loaded: true });
  flow().load(view);
});

test('an opened flow shows its nodes and wires, and has no unsaved changes', () => {
  assert.equal(flow().flowId, 'f_1');
  assert.equal(flow().version, 4);
  assert.equal(flow().nodes.length, 5);
  assert.equal(flow().edges.length, 5);
  assert.equal(flow().dirty, false);
  assert.deepEqual(flow().document().nodes.map((n) => n.id), ['in', 'sw', 'big', 'neg', 'rest']);
});

test('opening another flow asks the canvas to fit it into view', () => {
  const before = flow().loadSeq;
  flow().load({ ...view, id: 'f_2' });
  assert.equal(flow().loadSeq, before + 1);
  flow().startNew();
  assert.equal(flow().loadSeq, before + 2);
  assert.equal(flow().name, 'New flow');
  assert.deepEqual(flow().nodes, []);
  assert.equal(flow().flowId, undefined);
});

test('adding a node gives it a fresh 6-digit id, selects it alone and marks the flow unsaved', () => {
  flow().select('sw');
  const id = flow().addNode('timer', { x: 40, y: 300 });
  assert.match(id, /^\d{6}$/);
  assert.deepEqual(flow().nodes.filter((n) => n.selected).map((n) => n.id), [id]);
  assert.deepEqual(node(id)?.position, { x: 40, y: 300 });
  assert.equal(flow().dirty, true);
  const again = flow().addNode('timer', { x: 40, y: 400 });
  assert.notEqual(again, id);
  assert.deepEqual(flow().document().nodes.at(-1), { id: again, type: 'timer', params: {}, position: { x: 40, y: 400 } });
});

test('selecting a node is not a change; selecting nothing clears the selection', () => {
  flow().select('big');
  assert.deepEqual(flow().nodes.filter((n) => n.selected).map((n) => n.id), ['big']);
  flow().select('neg');
  assert.deepEqual(flow().nodes.filter((n) => n.selected).map((n) => n.id), ['neg']);
  flow().select(undefined);
  assert.equal(flow().nodes.some((n) => n.selected), false);
  assert.equal(flow().dirty, false);
});

test('dragging a node marks the flow unsaved only when the drag ends', () => {
  flow().onNodesChange([{ type: 'position', id: 'big', position: { x: 600, y: -90 }, dragging: true }]);
  assert.deepEqual(node('big')?.position, { x: 600, y: -90 });
  assert.equal(flow().dirty, false);
  flow().onNodesChange([{ type: 'position', id: 'big', position: { x: 610, y: -80 }, dragging: false }]);
  assert.equal(flow().dirty, true);
  assert.deepEqual(flow().document().nodes.find((n) => n.id === 'big')?.position, { x: 610, y: -80 });
});

test('measuring and selecting on the canvas are not changes', () => {
  flow().onNodesChange([{ type: 'dimensions', id: 'big', dimensions: { width: 180, height: 70 } }, { type: 'select', id: 'big', selected: true }]);
  flow().onEdgesChange([{ type: 'select', id: flow().edges[0]!.id, selected: true }]);
  assert.equal(flow().dirty, false);
});

test('deleting a node from the inspector takes its wires with it', () => {
  flow().removeNode('sw');
  assert.deepEqual(flow().nodes.map((n) => n.id), ['in', 'big', 'neg', 'rest']);
  assert.deepEqual(flow().edges, []);
  assert.equal(flow().dirty, true);
});

test('deleting a node or a wire on the canvas (Del key) marks the flow unsaved', () => {
  flow().onEdgesChange([{ type: 'remove', id: flow().edges[0]!.id }]);
  assert.equal(flow().edges.length, 4);
  assert.equal(flow().dirty, true);
  flow().load(view);
  flow().onNodesChange([{ type: 'remove', id: 'rest' }]);
  assert.equal(node('rest'), undefined);
  assert.equal(flow().dirty, true);
});

test('wiring two ports adds one edge; wiring the same ports again adds nothing', () => {
  const id = flow().addNode('log', { x: 800, y: 0 });
  flow().connect({ source: 'big', target: id, sourceHandle: null, targetHandle: null });
  flow().connect({ source: 'big', target: id, sourceHandle: 'out', targetHandle: 'in' });
  assert.equal(flow().edges.filter((e) => e.target === id).length, 1);
  assert.deepEqual(flow().document().edges.at(-1), { source: 'big', sourcePort: 'out', target: id, targetPort: 'in' });
  flow().connect({ source: 'big', target: id, sourceHandle: 'error', targetHandle: 'in' });
  assert.equal(flow().edges.at(-1)?.className, 'edge-error-port');
});

test('editing params updates the node and marks the flow unsaved; renaming and clearing the name', () => {
  flow().updateNode('big', { params: { level: 'warn', message: 'big: ${payload.n}' } });
  assert.deepEqual(node('big')?.data.params, { level: 'warn', message: 'big: ${payload.n}' });
  assert.equal(flow().dirty, true);
  flow().updateNode('big', { name: 'Large' });
  assert.equal(node('big')?.data.name, 'Large');
  flow().updateNode('big', { name: undefined });
  assert.equal('name' in (node('big')?.data ?? {}), false);
  flow().updateNode('big', { disabled: true });
  assert.equal(flow().document().nodes.find((n) => n.id === 'big')?.disabled, true);
});

test('removing a switch rule removes the wire from its port; the other ports keep theirs', () => {
  const first = (node('sw')?.data.params['rules'] as unknown[])[0];
  flow().setIssues([{ path: 'edges[2].target', message: 'neg is disabled' }], flow().document());
  flow().updateNode('sw', { params: { rules: [first] } });
  assert.deepEqual(edgePorts(), ['in:out->sw:in', 'sw:else->rest:in', 'sw:error->rest:in', 'sw:rule1->big:in']);
  assert.deepEqual(flow().issues.edges, {}, 'the complaint about the removed wire goes with it');
});

test('lowering a script\'s outputs removes the wires of the ports that went away', () => {
  const id = flow().addNode('script', { x: 0, y: 300 });
  flow().updateNode(id, { params: { code: 'return [msg, msg, msg];', outputs: 3 } });
  for (const [port, target] of [['out', 'big'], ['out2', 'neg'], ['out3', 'rest'], ['error', 'rest']] as const) {
    flow().connect({ source: id, sourceHandle: port, target, targetHandle: 'in' });
  }
  flow().updateNode(id, { params: { code: 'return [msg, msg, msg];', outputs: 2 } });
  assert.deepEqual(flow().edges.filter((e) => e.source === id).map((e) => e.sourceHandle), ['out', 'out2', 'error']);
  // an edit that keeps the ports keeps every wire
  flow().updateNode(id, { params: { code: 'return [msg, null];', outputs: 2 } });
  assert.equal(flow().edges.filter((e) => e.source === id).length, 3);
});

test('flow name, description and settings edits are unsaved changes and go into the document', () => {
  flow().setMeta({ name: 'Routing v2', settings: { trace: 'errors' } });
  assert.equal(flow().dirty, true);
  const doc = flow().document();
  assert.deepEqual([doc.name, doc.description, doc.settings], ['Routing v2', 'by size', { trace: 'errors' }]);
});

test('the server\'s complaints land on the node, field and wire they name; the rest stays with the flow', () => {
  const doc = flow().document();
  flow().setIssues([
    { path: 'nodes[1].params.rules[0].arg', message: 'must be a number' },
    { path: 'nodes[2].params.level', message: 'must be one of debug, info, warn, error' },
    { path: 'nodes[2].name', message: 'too long' },
    { path: 'edges[3].sourcePort', message: 'switch sw has no port "else"' },
    { path: 'edges', message: 'a cycle: sw → rest → sw' },
  ], doc);
  const { issues } = flow();
  assert.deepEqual(issues.nodes['sw'], [{ path: 'params.rules[0].arg', message: 'must be a number' }]);
  assert.deepEqual(issues.nodes['big']?.map((i) => i.path), ['params.level', 'name']);
  const elseEdge = flow().edges.find((e) => e.sourceHandle === 'else');
  assert.deepEqual(issues.edges[elseEdge!.id], ['switch sw has no port "else"']);
  assert.equal(elseEdge?.className, 'edge-invalid');
  assert.deepEqual(issues.flow, [{ path: 'edges', message: 'a cycle: sw → rest → sw' }]);
});

test('fixing a field clears the complaint about that field only', () => {
  flow().setIssues([
    { path: 'nodes[2].params.level', message: 'bad level' },
    { path: 'nodes[2].params.message', message: 'bad expression' },
    { path: 'nodes[2].name', message: 'too long' },
  ], flow().document());
  flow().updateNode('big', { params: { level: 'info' } });
  assert.deepEqual(flow().issues.nodes['big']?.map((i) => i.path), ['params.message', 'name']);
  flow().updateNode('big', { params: { level: 'info', message: 'ok' }, name: 'Big' });
  assert.equal(flow().issues.nodes['big'], undefined);
});

test('deleting the node or wire the server complained about takes its complaint away', () => {
  const complain = (): void => flow().setIssues([
    { path: 'nodes[2].params.level', message: 'bad level' },
    { path: 'nodes[3].params.level', message: 'bad level' },
    { path: 'edges[3].sourcePort', message: 'no such port' },
    { path: 'edges[4].sourcePort', message: 'no such port' },
  ], flow().document());
  const elseEdge = (): string => flow().edges.find((e) => e.sourceHandle === 'else')!.id;
  complain();
  flow().removeNode('big');
  assert.equal(flow().issues.nodes['big'], undefined);
  assert.ok(flow().issues.nodes['neg']);
  flow().load(view);
  complain();
  flow().onNodesChange([{ type: 'remove', id: 'neg' }]);
  assert.deepEqual(Object.keys(flow().issues.nodes), ['big']);
  const edge = elseEdge();
  flow().onEdgesChange([{ type: 'remove', id: edge }]);
  assert.equal(flow().issues.edges[edge], undefined);
  assert.equal(Object.keys(flow().issues.edges).length, 1);
  // deleting a node takes the complaints about its wires too
  flow().load(view);
  complain();
  flow().removeNode('rest');
  assert.deepEqual(flow().issues.edges, {});
});

test('a successful save clears the unsaved mark and every complaint, and takes the new version', () => {
  flow().updateNode('big', { params: { level: 'warn' } });
  flow().setIssues([{ path: 'edges[1].target', message: 'x' }, { path: 'nodes[0].params.payload', message: 'y' }], flow().document());
  flow().saved({ ...view, version: 5, state: 'running' });
  assert.equal(flow().dirty, false);
  assert.equal(flow().version, 5);
  assert.equal(flow().state, 'running');
  assert.deepEqual(flow().issues, { nodes: {}, edges: {}, flow: [] });
  assert.ok(flow().edges.every((e) => !String(e.className ?? '').includes('edge-invalid')));
  // the edits themselves stay
  assert.equal(node('big')?.data.params['level'], 'warn');
});
