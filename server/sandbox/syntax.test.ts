import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkScriptSyntax, createSandbox, ScriptError } from './index.ts';

const sandbox = createSandbox();
after(() => sandbox.dispose());

describe('script syntax', () => {
  test('valid bodies pass, including await, return at top level and ${} in templates', () => {
    assert.equal(checkScriptSyntax('return msg;'), null);
    assert.equal(checkScriptSyntax('const x = await Promise.resolve(1);\nreturn { payload: `${x}` };'), null);
    assert.equal(checkScriptSyntax(''), null);
    assert.equal(checkScriptSyntax('// only a comment'), null);
  });

  test('a syntax error is reported at the user\'s own line and column', () => {
    assert.deepEqual(checkScriptSyntax('const a = 1;\nconst b = ;\nreturn msg;'), {
      line: 2,
      column: 11,
      message: "SyntaxError: Unexpected token ';'",
    });
    assert.deepEqual(checkScriptSyntax('return msg.payload +;'), { line: 1, column: 21, message: "SyntaxError: Unexpected token ';'" });
  });

  test('something left open points at the last line', () => {
    const problem = checkScriptSyntax('if (msg.a) {\n  return msg;\n');
    assert.equal(problem?.line, 3);
    assert.match(problem?.message ?? '', /not closed/);
    assert.match(checkScriptSyntax('return "abc')?.message ?? '', /Invalid or unexpected token|not closed/);
  });

  test('a body that escapes the function wrapper is refused', () => {
    const problem = checkScriptSyntax('}); (function () {');
    assert.ok(problem);
    assert.match(problem.message, /closes the function body early/);
  });

  test('await inside a nested non-async function is an error', () => {
    const problem = checkScriptSyntax('[1].forEach(function () {\n  await x;\n});');
    assert.equal(problem?.line, 2);
  });

  test('compile() throws a SCRIPT_COMPILE error with the location in its message', () => {
    assert.throws(() => sandbox.compile('let x = 1;\nlet x = 2;', { name: 'dup' }), (err: unknown) => {
      assert.ok(err instanceof ScriptError);
      assert.equal(err.code, 'SCRIPT_COMPILE');
      assert.deepEqual(err.location, { line: 2, column: 5 });
      assert.equal(err.message, "SyntaxError: Identifier 'x' has already been declared (line 2, column 5)");
      return true;
    });
  });
});
