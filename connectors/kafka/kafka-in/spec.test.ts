// kafka-in's dead-letter and batch params: refused with the field named, as a flow save shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateFlow } from '../../../core/validate-flow.ts';
import { SchemaChecker } from '../../../core/schema-check.ts';
import { logicByType, specsByType } from '../../../catalogue/index.ts';

function issues(params: Record<string, unknown>) {
  const doc = { name: 't', nodes: [{ id: 'kin', type: 'kafka-in', params: { connection: 'k', topics: ['orders'], groupId: 'g', ...params } }], edges: [] };
  return validateFlow(doc, { specs: specsByType, logic: logicByType, checker: new SchemaChecker() }).map((i) => `${i.path}: ${i.message}`);
}

test('kafka-in: dead-letter and batch params are checked, naming the field', () => {
  assert.deepEqual(issues({ maxAttempts: 3, deadLetterTopic: 'orders.dlq', onParseError: 'deadLetter', batchSize: 500 }), []);
  assert.match(issues({ onParseError: 'deadLetter' }).join('\n'), /nodes\[0\]\.params\.deadLetterTopic: is required when a value that is not JSON goes to the dead-letter topic/);
  assert.match(issues({ deadLetterTopic: 'orders' }).join('\n'), /params\.deadLetterTopic: must not be a topic this node consumes \("orders"\)/);
  assert.match(issues({ deadLetterTopic: 'bad topic!' }).join('\n'), /params\.deadLetterTopic/);
  assert.match(issues({ batchSize: 0 }).join('\n'), /params\.batchSize/);
  assert.match(issues({ batchSize: 20000 }).join('\n'), /params\.batchSize/);
  assert.match(issues({ onParseError: 'drop' }).join('\n'), /params\.onParseError/);
});
