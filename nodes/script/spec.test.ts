import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { outputsOf } from '../../core/node-spec.ts';
import { scriptNode, scriptPorts, scriptSpec } from './spec.ts';

describe('script spec', () => {
  test('ports follow the outputs param: out, out2, out3…', () => {
    assert.deepEqual(outputsOf(scriptSpec, scriptNode.logic, { code: '' }), ['out']);
    assert.deepEqual(outputsOf(scriptSpec, scriptNode.logic, { code: '', outputs: 3 }), ['out', 'out2', 'out3']);
    assert.deepEqual(scriptPorts({ outputs: 0 }), ['out']);
    assert.deepEqual(scriptPorts({ outputs: 'x' }), ['out']);
    assert.equal(scriptPorts({ outputs: 1000 }).length, 16);
  });

  test('declares code as raw (no ${} templates) and edited with the code widget', () => {
    assert.equal(scriptSpec.type, 'script');
    assert.equal(scriptSpec.category, 'function');
    assert.deepEqual(scriptSpec.inputs, ['in']);
    assert.deepEqual(scriptSpec.rawParams, ['code']);
    assert.equal(scriptSpec.ui?.widgets?.['code'], 'code');
    const props = scriptSpec.paramsSchema['properties'] as Record<string, Record<string, unknown>>;
    assert.deepEqual(scriptSpec.paramsSchema['required'], ['code']);
    assert.equal(props['timeoutMs']?.['default'], 1000);
    assert.equal(props['timeoutMs']?.['maximum'], 60_000);
    assert.equal(props['outputs']?.['minimum'], 1);
  });
});
