import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, ScriptError } from './index.ts';

const sandbox = createSandbox({ memoryMb: 64 });
after(() => sandbox.dispose());

const run = (code: string, msg: unknown = {}): Promise<unknown> => sandbox.compile(code).run(msg);

describe('script sandbox: nothing of the host is reachable', () => {
  test('no require, process, fetch, module, Buffer, setInterval or setImmediate', async () => {
    const names = ['require', 'process', 'fetch', 'module', 'exports', 'Buffer', 'setInterval', 'setImmediate', 'global'];
    const out = await run(`return ${JSON.stringify(names)}.map((n) => [n, typeof globalThis[n]]);`);
    assert.deepEqual(out, names.map((n) => [n, 'undefined']));
    await assert.rejects(run('return process.env;'), { message: 'ReferenceError: process is not defined (line 1, column 1)' });
    await assert.rejects(run('require("fs")'), /ReferenceError: require is not defined/);
  });

  test('constructor.constructor yields the isolate\'s own Function: process stays undefined', async () => {
    await assert.rejects(run('return globalThis.constructor.constructor("return process")();'), /ReferenceError: process is not defined/);
    assert.deepEqual(await run('const g = this.constructor.constructor("return this")();\nreturn { same: g === globalThis, process: typeof g.process };'),
      { same: true, process: 'undefined' });
    const viaCtx = await run(`return [
      ctx.constructor.constructor("return typeof process")(),
      ctx.log.constructor("return typeof require")(),
      ctx.state.get.constructor("return typeof process")(),
      setTimeout.constructor("return typeof process")(),
      msg.constructor.constructor("return typeof process")(),
    ];`);
    assert.deepEqual(viaCtx, ['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
    assert.deepEqual(await run('return [eval("typeof process"), new Function("return typeof require")()];'), ['undefined', 'undefined']);
  });

  test('prototype tricks stay inside the script\'s own context', async () => {
    const out = await run(`
      msg.__proto__.polluted = "yes";
      Object.prototype.alsoPolluted = "yes";
      ctx.__proto__.x = 1;
      return { own: ({}).polluted, isObjectProto: msg.__proto__ === Object.prototype };`, { payload: 1 });
    assert.deepEqual(out, { own: 'yes', isObjectProto: true });
    const probe: Record<string, unknown> = {};
    assert.equal(probe['polluted'], undefined, 'the host Object.prototype is untouched');
    assert.equal(probe['alsoPolluted'], undefined);
    assert.equal(await run('return { v: ({}).polluted === undefined };').then((v) => (v as { v: boolean }).v), true,
      'another script has its own prototypes');
  });

  test('ctx cannot be changed and its functions do not lead to the runner', async () => {
    const out = await run(`
      "use strict";
      const results = [];
      try { ctx.log = null; } catch (e) { results.push(e.name); }
      try { ctx.state.get = null; } catch (e) { results.push(e.name); }
      results.push(Object.isFrozen(ctx), Object.isFrozen(ctx.flow));
      return results;`);
    assert.deepEqual(out, ['TypeError', 'TypeError', true, true]);
    assert.deepEqual(await run('return { caller: arguments.callee.caller };'), { caller: null });
  });

  test('errors thrown back from the host carry no host stack', async () => {
    const out = (await run('try { ctx.state.get("x"); } catch (e) { return { stack: e.stack, message: e.message }; }')) as {
      stack: string;
      message: string;
    };
    assert.equal(out.message, 'ctx.state is not available here');
    assert.doesNotMatch(out.stack, /\/work\/|\.ts:|node:/);
  });

  test('Error.prepareStackTrace sees isolate frames only', async () => {
    const out = (await run(`
      Error.prepareStackTrace = (e, frames) => frames.map((f) => String(f.getFunctionName()) + "@" + String(f.getFileName()));
      let frames;
      try { ctx.state.get("x"); } catch (e) { frames = e.stack; }
      return { frames };`)) as { frames: unknown };
    assert.doesNotMatch(JSON.stringify(out.frames ?? null), /onHostCall|script\.ts|\/work\//);
  });

  test('a script that replaces JSON or Promise breaks only its own results, not the runner', async () => {
    const script = sandbox.compile('JSON.stringify = () => "\\"hacked\\"";\nJSON.parse = () => ({ hacked: true });\nPromise.prototype.then = null;\nreturn msg;');
    assert.deepEqual(await script.run({ payload: 1 }), { payload: 1 });
    assert.deepEqual(await script.run({ payload: 2 }), { payload: 2 });
  });

  test('a body cannot close the wrapper function and run code at compile time', () => {
    assert.throws(() => sandbox.compile('}); globalThis.escaped = 1; (function () {'), (err: unknown) => {
      assert.ok(err instanceof ScriptError);
      assert.equal(err.code, 'SCRIPT_COMPILE');
      assert.match(err.message, /closes the function body early/);
      return true;
    });
  });

  test('no dynamic import, and blocking waits are cut by the time limit', async () => {
    assert.deepEqual(await run('try { await import("fs"); return { imported: true }; } catch (e) { return { imported: false }; }'),
      { imported: false });
    const started = Date.now();
    await assert.rejects(
      sandbox.compile('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);').run({}, { timeoutMs: 200 }),
      { message: 'script timed out after 200 ms' },
    );
    assert.ok(Date.now() - started < 2000);
  });
});
