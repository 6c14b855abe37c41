import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, ScriptError } from './index.ts';
import { memoryLogger, memoryState } from './sandbox.test-support.ts';

const sandbox = createSandbox({ memoryMb: 64 });
after(() => sandbox.dispose());

describe('script sandbox: running code', () => {
  test('transforms a message and returns a JSON copy', async () => {
    const script = sandbox.compile('msg.payload = msg.payload * 2;\nmsg.topic = "doubled";\nreturn msg;', { name: 'double' });
    const input = { payload: 21, topic: 'in' };
    const out = await script.run(input);
    assert.deepEqual(out, { payload: 42, topic: 'doubled' });
    assert.deepEqual(input, { payload: 21, topic: 'in' }, 'the caller\'s message is never touched');
    assert.equal(script.async, false);
  });

  test('returns undefined, null and plain values as they are', async () => {
    assert.equal(await sandbox.compile('ctx.log("x")').run({}), undefined);
    assert.equal(await sandbox.compile('return null;').run({}), null);
    assert.equal(await sandbox.compile('return 7;').run({}), 7);
    assert.deepEqual(await sandbox.compile('return [msg, null, [msg]];').run({ a: 1 }), [{ a: 1 }, null, [{ a: 1 }]]);
  });

  test('values cross as JSON: dates become strings, functions and undefined fields drop', async () => {
    const script = sandbox.compile('return { when: new Date(0), fn: () => 1, gone: undefined, n: 1 };');
    assert.deepEqual(await script.run({}), { when: '1970-01-01T00:00:00.000Z', n: 1 });
    const cyclic = sandbox.compile('const a = {}; a.self = a; return a;');
    await assert.rejects(cyclic.run({}), (err: ScriptError) => err.code === 'SCRIPT_ERROR' && /not JSON/.test(err.message));
  });

  test('async bodies: await, promise chains and in-isolate timers', async () => {
    const script = sandbox.compile(
      'const wait = (ms) => new Promise((r) => setTimeout(r, ms));\nawait wait(20);\nmsg.payload = await Promise.resolve(msg.payload + 1);\nreturn msg;',
      { name: 'waiter' },
    );
    assert.equal(script.async, true);
    const started = Date.now();
    assert.deepEqual(await script.run({ payload: 1 }), { payload: 2 });
    assert.ok(Date.now() - started >= 15, 'the timer really waited');
    const chain = sandbox.compile('return Promise.resolve(msg).then((m) => ({ payload: m.payload * 3 }));');
    assert.equal(chain.async, false);
    assert.deepEqual(await chain.run({ payload: 2 }), { payload: 6 });
    const timerArgs = sandbox.compile('return await new Promise((r) => setTimeout((a, b) => r({ payload: a + b }), 1, 2, 3));');
    assert.deepEqual(await timerArgs.run({}), { payload: 5 });
    const cleared = sandbox.compile(
      'let fired = false;\nconst t = setTimeout(() => { fired = true; }, 5);\nclearTimeout(t);\nawait new Promise((r) => setTimeout(r, 20));\nreturn { fired };',
    );
    assert.deepEqual(await cleared.run({}), { fired: false });
  });

  test('timers still pending when a run ends never fire', async () => {
    const log = memoryLogger();
    const script = sandbox.compile('setTimeout(() => ctx.log("late"), 20);\nreturn msg;');
    assert.deepEqual(await script.run({ a: 1 }, { log }), { a: 1 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(log.lines, []);
  });

  test('concurrent async runs keep their own ctx (each log goes to its own run)', async () => {
    const script = sandbox.compile(
      'await new Promise((r) => setTimeout(r, msg.delay));\nctx.log("done", msg.id);\nreturn { id: msg.id };',
    );
    const logA = memoryLogger();
    const logB = memoryLogger();
    const [a, b] = await Promise.all([
      script.run({ id: 'a', delay: 30 }, { log: logA }),
      script.run({ id: 'b', delay: 5 }, { log: logB }),
    ]);
    assert.deepEqual([a, b], [{ id: 'a' }, { id: 'b' }]);
    assert.deepEqual(logA.lines.map((l) => l.msg), ['done a']);
    assert.deepEqual(logB.lines.map((l) => l.msg), ['done b']);
  });

  test('ctx.log formats its arguments and reaches the run\'s logger, levels included', async () => {
    const log = memoryLogger();
    const script = sandbox.compile(
      'ctx.log("count", 3, { a: [1, 2] }, null);\nctx.log.warn("careful");\nctx.log.error(new Error("bad"));\nreturn msg;',
      { name: 'logger' },
    );
    await script.run({}, { log });
    assert.equal(log.lines.length, 3);
    assert.deepEqual(log.lines[0], { level: 'info', msg: 'count 3 {"a":[1,2]} null', fields: { script: 'logger' } });
    assert.equal(log.lines[1]?.level, 'warn');
    assert.equal(log.lines[1]?.msg, 'careful');
    assert.equal(log.lines[2]?.level, 'error');
    assert.match(log.lines[2]?.msg ?? '', /^Error: bad/);
  });

  test('without a run logger, ctx.log goes to the sandbox logger', async () => {
    const log = memoryLogger();
    const own = createSandbox({ log });
    try {
      await own.compile('ctx.log("hello")', { name: 'n1' }).run({});
      assert.deepEqual(log.lines.filter((l) => l.msg === 'hello'), [{ level: 'info', msg: 'hello', fields: { script: 'n1' } }]);
    } finally {
      own.dispose();
    }
  });

  test('ctx.state reads and writes the NodeState it is given, as JSON copies', async () => {
    const state = memoryState(new Map<string, unknown>([['seen', 4]]));
    const script = sandbox.compile(
      'const seen = (ctx.state.get("seen") || 0) + 1;\nctx.state.set("seen", seen);\nctx.state.set("last", msg.payload);\nreturn { payload: seen };',
    );
    assert.deepEqual(await script.run({ payload: { x: 1 } }, { state }), { payload: 5 });
    assert.deepEqual(await script.run({ payload: { x: 2 } }, { state }), { payload: 6 });
    assert.equal(state.values.get('seen'), 6);
    assert.deepEqual(state.values.get('last'), { x: 2 });
    const missing = sandbox.compile('return { v: ctx.state.get("nope") === undefined };');
    assert.deepEqual(await missing.run({}, { state }), { v: true });
  });

  test('ctx.flow reads and writes the flow Map it is given; undefined deletes', async () => {
    const flow = new Map<string, unknown>([['greeting', 'hi']]);
    const writer = sandbox.compile('ctx.flow.set("count", (ctx.flow.get("count") || 0) + 1);\nctx.flow.set("greeting", undefined);');
    const reader = sandbox.compile('return { count: ctx.flow.get("count"), greeting: ctx.flow.get("greeting") };');
    await writer.run({}, { flow });
    await writer.run({}, { flow });
    assert.equal(flow.get('count'), 2);
    assert.equal(flow.has('greeting'), false);
    assert.deepEqual(await reader.run({}, { flow }), { count: 2 });
  });

  test('ctx.state without a NodeState fails clearly inside the script', async () => {
    const script = sandbox.compile('ctx.state.get("x")');
    await assert.rejects(script.run({}), /ctx\.state is not available/);
  });

  test('a thrown error fails the run with the user\'s message and line', async () => {
    const script = sandbox.compile('const a = 1;\nif (msg.bad) {\n  throw new Error("bad input: " + msg.bad);\n}\nreturn msg;', { name: 'thrower' });
    await assert.rejects(script.run({ bad: 'x' }), (err: unknown) => {
      assert.ok(err instanceof ScriptError);
      assert.equal(err.code, 'SCRIPT_ERROR');
      assert.equal(err.message, 'bad input: x (line 3, column 9)');
      assert.deepEqual(err.location, { line: 3, column: 9 });
      return true;
    });
    assert.deepEqual(await script.run({ bad: false }), { bad: false }, 'the next run is fine');
    const typeError = sandbox.compile('\nreturn msg.payload.deep.value;');
    await assert.rejects(typeError.run({ payload: {} }), {
      message: "TypeError: Cannot read properties of undefined (reading 'value') (line 2, column 25)",
    });
    const rejected = sandbox.compile('await null;\nthrow new RangeError("later");');
    await assert.rejects(rejected.run({}), { message: 'RangeError: later (line 2, column 7)' });
    const notAnError = sandbox.compile('throw { code: 42 };');
    await assert.rejects(notAnError.run({}), { message: '{"code":42}' });
  });

  test('messages arriving together run in one batch, in order, each with its own result', async () => {
    const script = sandbox.compile('if (msg.n % 3 === 0) throw new Error("no " + msg.n);\nreturn { n: msg.n * 10 };');
    const runs = Array.from({ length: 600 }, (_, n) => script.run({ n }).then((v) => v, (e: Error) => e.message));
    const results = await Promise.all(runs);
    results.forEach((result, n) => {
      if (n % 3 === 0) assert.equal(result, `no ${n} (line 1, column 28)`);
      else assert.deepEqual(result, { n: n * 10 });
    });
  });

  test('each script has its own globals; a script\'s globals persist between its runs', async () => {
    const counter = sandbox.compile('globalThis.hits = (globalThis.hits || 0) + 1;\nreturn { hits };');
    const other = sandbox.compile('return { hits: typeof hits };');
    await counter.run({});
    assert.deepEqual(await counter.run({}), { hits: 2 });
    assert.deepEqual(await other.run({}), { hits: 'undefined' });
  });

  test('a message that is not JSON is refused before it reaches the isolate', async () => {
    const script = sandbox.compile('return msg;');
    await assert.rejects(script.run({ big: 1n }), (err: ScriptError) => err.code === 'SCRIPT_DATA');
  });

  test('a released script refuses new runs; a disposed sandbox refuses everything', async () => {
    const own = createSandbox();
    const script = own.compile('return msg;');
    const pending = own.compile('await new Promise(() => {});').run({}, { timeoutMs: 5000 });
    script.release();
    await assert.rejects(script.run({}), (err: ScriptError) => err.code === 'SCRIPT_DISPOSED');
    own.dispose();
    await assert.rejects(pending, (err: ScriptError) => err.code === 'SCRIPT_DISPOSED');
    assert.equal(own.disposed, true);
    assert.throws(() => own.compile('return 1'), (err: ScriptError) => err.code === 'SCRIPT_DISPOSED');
  });

  test('an aborted signal fails a pending run', async () => {
    const controller = new AbortController();
    const script = sandbox.compile('await new Promise(() => {});');
    const run = script.run({}, { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    await assert.rejects(run, /cancelled/);
  });
});
