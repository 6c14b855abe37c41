import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonBodyIssue, MAX_JSON_DEPTH } from './json-guard.ts';

const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

test('64 levels of nesting pass, 65 are refused at the first container too deep', () => {
  assert.equal(MAX_JSON_DEPTH, 64);
  assert.equal(jsonBodyIssue(nested(64)), undefined);
  assert.deepEqual(jsonBodyIssue(nested(65)), { path: '[0]'.repeat(64), message: 'objects and arrays nest deeper than 64 levels' });
  assert.equal(jsonBodyIssue(nested(3), 3), undefined);
  assert.ok(jsonBodyIssue(nested(4), 3));
});

test('a million levels are checked without recursion', () => {
  assert.match(jsonBodyIssue(nested(1_000_000))!.message, /deeper than 64/);
});

test('numbers that overflowed to ±Infinity are refused by path; keys that are not names are quoted', () => {
  assert.deepEqual(jsonBodyIssue(JSON.parse('{"a b":[1,{"x.y":-1e400}]}')), {
    path: '["a b"][1]["x.y"]', message: 'the number is too large (beyond ±1.8e308, it would be stored as null)',
  });
  assert.equal(jsonBodyIssue(JSON.parse('1e400'))!.path, '(body)');
  assert.equal(jsonBodyIssue(JSON.parse('{"n":1.7976931348623157e308,"m":5e-324,"s":"1e400"}')), undefined);
  for (const plain of [undefined, null, 'x', 0, true, [], {}]) assert.equal(jsonBodyIssue(plain), undefined);
});
