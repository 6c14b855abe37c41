import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeError } from '../../server/engine/node-api.ts';
import { scriptRuntime } from './runtime.ts';
import { createTestFlow, createTestNode } from './script.test-support.ts';

describe('script node', () => {
  test('transforms the message and sends it on out', async () => {
    const flow = createTestFlow();
    try {
      const node = await createTestNode(scriptRuntime, { flow, params: { code: 'msg.payload = msg.payload.toUpperCase();\nreturn msg;' } });
      const delivery = await node.deliver({ payload: 'abc', topic: 't' });
      assert.equal(delivery.error, undefined);
      assert.deepEqual(delivery.sent, [{ port: 'out', msg: { payload: 'ABC', topic: 't' } }]);
    } finally {
      await flow.stop();
    }
  });

  test('return shapes: nothing, several messages, one array per port, plain values', async () => {
    const flow = createTestFlow();
    try {
      const nothing = await createTestNode(scriptRuntime, { flow, params: { code: 'return null;' } });
      assert.deepEqual((await nothing.deliver({ payload: 1 })).sent, []);
      const many = await createTestNode(scriptRuntime, { flow, params: { code: 'return msg.payload.map((p) => ({ payload: p }));' } });
      assert.deepEqual((await many.deliver({ payload: [1, 2] })).sent, [
        { port: 'out', msg: { payload: 1 } },
        { port: 'out', msg: { payload: 2 } },
      ]);
      const split = await createTestNode(scriptRuntime, {
        flow,
        params: {
          outputs: 3,
          code: 'const even = msg.payload.filter((n) => n % 2 === 0).map((n) => ({ payload: n }));\nconst odd = msg.payload.filter((n) => n % 2).map((n) => ({ payload: n }));\nreturn [even, null, odd];',
        },
      });
      assert.deepEqual((await split.deliver({ payload: [1, 2, 3, 4] })).sent, [
        { port: 'out', msg: { payload: 2 } },
        { port: 'out', msg: { payload: 4 } },
        { port: 'out3', msg: { payload: 1 } },
        { port: 'out3', msg: { payload: 3 } },
      ]);
      const second = await createTestNode(scriptRuntime, { flow, params: { outputs: 2, code: 'return [null, msg];' } });
      assert.deepEqual((await second.deliver({ payload: 'x' })).sent, [{ port: 'out2', msg: { payload: 'x' } }]);
      const value = await createTestNode(scriptRuntime, { flow, params: { code: 'return msg.payload * 2;' } });
      assert.deepEqual((await value.deliver({ payload: 21 })).sent, [{ port: 'out', msg: { payload: 42 } }]);
      const tooMany = await createTestNode(scriptRuntime, { flow, params: { outputs: 2, code: 'return [msg, msg, msg];' } });
      assert.match((await tooMany.deliver({})).error?.message ?? '', /3 entries but has 2 outputs/);
    } finally {
      await flow.stop();
    }
  });

  test('all script nodes of a flow share one sandbox, disposed when the flow stops', async () => {
    const flow = createTestFlow();
    const a = await createTestNode(scriptRuntime, { flow, id: 'a', params: { code: 'ctx.flow.set("from", "a");\nreturn msg;' } });
    const b = await createTestNode(scriptRuntime, { flow, id: 'b', params: { code: 'return { payload: ctx.flow.get("from") };' } });
    await a.deliver({});
    assert.deepEqual((await b.deliver({})).sent, [{ port: 'out', msg: { payload: 'a' } }]);
    assert.equal(flow.created.get('sandbox'), 1);
    await flow.stop();
    const after = await b.deliver({});
    assert.ok(after.error instanceof NodeError);
    assert.equal(after.error.code, 'SCRIPT_DISPOSED');
  });

  test('ctx.state is staged per run: kept when the run succeeds, dropped when it fails', async () => {
    const flow = createTestFlow();
    try {
      const node = await createTestNode(scriptRuntime, {
        flow,
        params: { code: 'const n = (ctx.state.get("n") || 0) + 1;\nctx.state.set("n", n);\nif (msg.fail) throw new Error("failing run " + n);\nreturn { payload: n };' },
      });
      assert.deepEqual((await node.deliver({})).sent, [{ port: 'out', msg: { payload: 1 } }]);
      assert.equal((await node.deliver({ fail: true })).error?.message, 'failing run 2 (line 3, column 21)');
      assert.equal(node.state.get('n'), 1, 'the failed run\'s write was dropped');
      assert.deepEqual((await node.deliver({})).sent, [{ port: 'out', msg: { payload: 2 } }]);
      // concurrent runs of the same node each see their own staged state, never another's:
      // one run writes and then waits before failing; the other reads meanwhile
      const concurrent = await createTestNode(scriptRuntime, {
        flow,
        id: 'concurrent',
        state: new Map([['n', 2]]),
        params: {
          timeoutMs: 2000,
          code: [
            'if (msg.writer) { ctx.state.set("n", 100); await new Promise((r) => setTimeout(r, 200)); throw new Error("writer fails"); }',
            'await new Promise((r) => setTimeout(r, 50));',
            'return { payload: [ctx.state.get("n"), (ctx.state.set("n", 7), ctx.state.get("n"))] };',
          ].join('\n'),
        },
      });
      const [writer, reader] = await Promise.all([concurrent.deliver({ writer: true }), concurrent.deliver({})]);
      assert.match(writer.error?.message ?? '', /writer fails/);
      assert.deepEqual(reader.sent[0]?.msg.payload, [2, 7], 'the reader saw the committed value, then its own write');
      assert.equal(concurrent.state.get('n'), 7, 'only the run that succeeded committed');
    } finally {
      await flow.stop();
    }
  });

  test('ctx.log lands in the step\'s trace and the log', async () => {
    const flow = createTestFlow();
    try {
      const node = await createTestNode(scriptRuntime, { flow, id: 'logger', params: { code: 'ctx.log("got", msg.payload);\nctx.log.warn("hmm");\nreturn msg;' } });
      const delivery = await node.deliver({ payload: { a: 1 } });
      assert.deepEqual(delivery.trace, ['[info] got {"a":1}', '[warn] hmm']);
      const scriptLines = node.logs.filter((l) => l.fields?.['script'] === 'logger');
      assert.deepEqual(scriptLines.map((l) => [l.level, l.msg]), [['info', 'got {"a":1}'], ['warn', 'hmm']]);
    } finally {
      await flow.stop();
    }
  });

  test('async code, and the timeoutMs param', async () => {
    const flow = createTestFlow();
    try {
      const node = await createTestNode(scriptRuntime, {
        flow,
        params: { timeoutMs: 100, code: 'await new Promise((r) => setTimeout(r, msg.wait));\nreturn { payload: "waited" };' },
      });
      assert.deepEqual((await node.deliver({ wait: 5 })).sent, [{ port: 'out', msg: { payload: 'waited' } }]);
      const slow = await node.deliver({ wait: 5000 });
      assert.ok(slow.error instanceof NodeError);
      assert.equal(slow.error.code, 'SCRIPT_TIMEOUT');
      assert.equal(slow.error.message, 'script timed out after 100 ms');
    } finally {
      await flow.stop();
    }
  });

  test('a runaway loop or a memory bomb fails its step; the node keeps working', async () => {
    const flow = createTestFlow();
    try {
      const node = await createTestNode(scriptRuntime, {
        flow,
        params: {
          timeoutMs: 20_000,
          code: 'if (msg.mode === "bomb") { const a = []; while (true) a.push(new Array(1000).fill(a.length)); }\nreturn msg;',
        },
      });
      const looper = await createTestNode(scriptRuntime, { flow, params: { timeoutMs: 100, code: 'if (msg.spin) while (true) {}\nreturn msg;' } });
      assert.equal((await looper.deliver({ spin: true })).error?.message, 'script timed out after 100 ms');
      assert.deepEqual((await looper.deliver({ spin: false })).sent, [{ port: 'out', msg: { spin: false } }]);
      const bomb = await node.deliver({ mode: 'bomb' });
      assert.equal((bomb.error as NodeError).code, 'SCRIPT_MEMORY');
      assert.equal(bomb.error?.message, 'script exceeded memory limit of 64 MB');
      assert.deepEqual((await node.deliver({ mode: 'ok' })).sent, [{ port: 'out', msg: { mode: 'ok' } }]);
    } finally {
      await flow.stop();
    }
  });

  test('a user error fails the step with the user\'s message and line', async () => {
    const flow = createTestFlow();
    try {
      const node = await createTestNode(scriptRuntime, { flow, params: { code: '\n\nreturn msg.payload.missing.deeper;' } });
      const delivery = await node.deliver({ payload: {} });
      assert.ok(delivery.error instanceof NodeError);
      assert.equal(delivery.error.code, 'SCRIPT_ERROR');
      assert.equal(delivery.error.message, "TypeError: Cannot read properties of undefined (reading 'deeper') (line 3, column 28)");
    } finally {
      await flow.stop();
    }
  });

  test('code that does not compile fails at flow start with the line, not retryable', async () => {
    const flow = createTestFlow();
    try {
      await assert.rejects(createTestNode(scriptRuntime, { flow, params: { code: 'return msg;\nconst = 1;' } }), (err: unknown) => {
        assert.ok(err instanceof NodeError);
        assert.equal(err.code, 'SCRIPT_COMPILE');
        assert.equal(err.retryable, false);
        assert.match(err.message, /\(line 2, column 7\)$/);
        return true;
      });
    } finally {
      await flow.stop();
    }
  });
});
