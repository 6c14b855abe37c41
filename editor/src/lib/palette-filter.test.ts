// Palette search matches categories and connection types, not only labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesPalette } from './palette-filter.ts';

const types = [
  { type: 'mysql-query', label: 'MySQL query', description: 'Runs SQL', category: 'database' as const, connectionTypes: ['mysql'] },
  { type: 'postgres-query', label: 'PostgreSQL query', description: 'Runs SQL', category: 'database' as const, connectionTypes: ['postgres'] },
  { type: 'oracle-query', label: 'Oracle query', description: 'Runs SQL', category: 'database' as const, connectionTypes: ['oracle'] },
  { type: 'kafka-in', label: 'Kafka in', description: 'Consumes a topic', category: 'messaging' as const, connectionTypes: ['kafka'] },
  { type: 'mqtt-in', label: 'MQTT in', description: 'Subscribes', category: 'messaging' as const, connectionTypes: ['mqtt'] },
  { type: 'log', label: 'Log', description: 'Writes the message', category: 'output' as const, connectionTypes: [] },
];
const find = (f: string): string[] => types.filter((t) => matchesPalette(t, f)).map((t) => t.type);

test('"database" finds every database node by its category', () => {
  assert.deepEqual(find('database'), ['mysql-query', 'postgres-query', 'oracle-query']);
  assert.deepEqual(find('  Databases '), ['mysql-query', 'postgres-query', 'oracle-query']);
});

test('"messaging" finds the messaging nodes; "kafka" only Kafka', () => {
  assert.deepEqual(find('messaging'), ['kafka-in', 'mqtt-in']);
  assert.deepEqual(find('KAFKA'), ['kafka-in']);
});

test('an empty search shows everything; a miss shows nothing', () => {
  assert.equal(find('').length, types.length);
  assert.deepEqual(find('zzz-nothing'), []);
});
