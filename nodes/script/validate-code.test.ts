import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateScriptCode } from './validate-code.ts';

describe('script code check at save time', () => {
  test('code that compiles has no issues', () => {
    assert.deepEqual(validateScriptCode('const t = `${msg.payload}`;\nreturn { payload: t };'), []);
    assert.deepEqual(validateScriptCode('return await Promise.resolve(msg);'), []);
  });

  test('code that does not compile gives one issue on `code` with the line and column', () => {
    assert.deepEqual(validateScriptCode('const a = 1;\nreturn a +;'), [
      { path: 'code', message: "does not compile: SyntaxError: Unexpected token ';' (line 2, column 11)" },
    ]);
  });

  test('code that closes the wrapper function is refused', () => {
    const issues = validateScriptCode('}); (function () {');
    assert.equal(issues.length, 1);
    assert.match(issues[0]?.message ?? '', /closes the function body early/);
  });
});
