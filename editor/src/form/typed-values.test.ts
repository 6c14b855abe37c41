// What a value typed on one line becomes (key → value rows, switch rule values), and the
// server's complaints about params mapped onto the form's fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrors } from '../lib/issues.ts';
import { parseLiteral, showLiteral } from '../lib/json.ts';

test('typed values: numbers, booleans, null and JSON keep their type; expressions and words stay text', () => {
  assert.equal(parseLiteral('42'), 42);
  assert.equal(parseLiteral('-1.5'), -1.5);
  assert.equal(parseLiteral('true'), true);
  assert.equal(parseLiteral('null'), null);
  assert.deepEqual(parseLiteral('{"a": [1, 2]}'), { a: [1, 2] });
  assert.equal(parseLiteral('${payload.id}'), '${payload.id}');
  assert.equal(parseLiteral('pending'), 'pending');
  assert.equal(parseLiteral('"42"'), '42', 'quotes make a number text');
  assert.equal(parseLiteral('{"a": '), '{"a": ', 'half-typed JSON stays as typed');
  assert.equal(parseLiteral(''), undefined, 'an empty box removes the value');
});

test('a stored value shows so that reading it back gives the same value', () => {
  for (const v of [42, true, null, { a: 1 }, [1, 'x'], 'pending', '${payload.id}', '42', 'true', '', ' 7 ']) {
    assert.deepEqual(parseLiteral(showLiteral(v)), v, JSON.stringify(v));
  }
  assert.equal(showLiteral('42'), '"42"', 'the text "42" shows quoted, not as the number');
  assert.equal(showLiteral('pending'), 'pending');
});

test('the server\'s complaints go to the field they name; deeper paths keep the item in the message', () => {
  const issues = [
    { path: 'params.interval', message: 'must be >= 1' },
    { path: 'params.rules[1].arg', message: 'not a valid RE2 regex' },
    { path: 'params.incremental.column', message: 'required' },
    { path: 'params', message: 'unknown param "x"' },
    { path: 'name', message: 'too long' },
  ];
  assert.deepEqual(fieldErrors(issues, 'params'), {
    interval: ['must be >= 1'],
    rules: ['item 2.arg: not a valid RE2 regex'],
    incremental: ['column: required'],
    '': ['unknown param "x"'],
  });
  assert.deepEqual(fieldErrors(issues, '')['name'], ['too long']);
});
