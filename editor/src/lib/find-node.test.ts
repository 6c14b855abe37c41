// Ctrl+F: a node is found by its name, id, type or type label; exact ids first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNodes } from './find-node.ts';

const nodes = [
  { id: '100001', type: 'inject', typeLabel: 'Inject' },
  { id: '100002', type: 'set', typeLabel: 'Set fields', name: 'Add totals' },
  { id: '200001', type: 'log', typeLabel: 'Log', name: 'Audit 100001' },
  { id: '300003', type: 'mysql-query', typeLabel: 'MySQL query' },
];

test('finds by id, name, type and label; an exact id comes first', () => {
  assert.deepEqual(findNodes(nodes, '100001').map((n) => n.id), ['100001', '200001']);
  assert.deepEqual(findNodes(nodes, 'totals').map((n) => n.id), ['100002']);
  assert.deepEqual(findNodes(nodes, 'MYSQL').map((n) => n.id), ['300003']);
  assert.deepEqual(findNodes(nodes, 'set fields').map((n) => n.id), ['100002']);
  assert.deepEqual(findNodes(nodes, 'log').map((n) => n.id), ['200001']);
});

test('nothing typed or nothing matching finds nothing', () => {
  assert.deepEqual(findNodes(nodes, '  '), []);
  assert.deepEqual(findNodes(nodes, 'kafka'), []);
});
