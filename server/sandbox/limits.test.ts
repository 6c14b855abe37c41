import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, ScriptError } from './index.ts';
import { memoryLogger } from './sandbox.test-support.ts';

const isCode = (code: ScriptError['code'], message?: string) => (err: unknown): boolean => {
  assert.ok(err instanceof ScriptError, `expected a ScriptError, got ${String(err)}`);
  assert.equal(err.code, code);
  if (message !== undefined) assert.equal(err.message, message);
  return true;
};

describe('script sandbox: time limit', () => {
  test('while(true) is stopped by the time limit and the next run works', async () => {
    const sandbox = createSandbox();
    try {
      const script = sandbox.compile('if (msg.spin) { while (true) {} }\nreturn { ok: msg.n };');
      // the first run of a flow also waits for its runner process to start
      assert.deepEqual(await script.run({ n: 0 }), { ok: 0 });
      const started = Date.now();
      await assert.rejects(script.run({ spin: true }, { timeoutMs: 150 }), isCode('SCRIPT_TIMEOUT', 'script timed out after 150 ms'));
      const took = Date.now() - started;
      assert.ok(took >= 140 && took < 1500, `stopped after ${took} ms`);
      assert.deepEqual(await script.run({ n: 1 }), { ok: 1 });
    } finally {
      sandbox.dispose();
    }
  });

  test('the default limit is 1000 ms', async () => {
    const sandbox = createSandbox();
    try {
      await assert.rejects(sandbox.compile('for (;;) {}').run({}), isCode('SCRIPT_TIMEOUT', 'script timed out after 1000 ms'));
    } finally {
      sandbox.dispose();
    }
  });

  test('a promise that never settles fails with a time-out, and so does a loop after an await', async () => {
    const sandbox = createSandbox();
    try {
      const never = sandbox.compile('await new Promise(() => {});');
      await assert.rejects(never.run({}, { timeoutMs: 100 }), isCode('SCRIPT_TIMEOUT', 'script timed out after 100 ms'));
      const lateLoop = sandbox.compile('await new Promise((r) => setTimeout(r, 10));\nwhile (true) {}');
      await assert.rejects(lateLoop.run({}, { timeoutMs: 150 }), isCode('SCRIPT_TIMEOUT'));
      const slowTimer = sandbox.compile('await new Promise((r) => setTimeout(r, 10000));\nreturn msg;');
      const started = Date.now();
      await assert.rejects(slowTimer.run({}, { timeoutMs: 100 }), isCode('SCRIPT_TIMEOUT'));
      assert.ok(Date.now() - started < 1000);
      assert.deepEqual(await sandbox.compile('await null;\nreturn { fine: true };').run({}), { fine: true });
    } finally {
      sandbox.dispose();
    }
  });

  test('in a batch, only the message that spins fails; the others get their results', async () => {
    const sandbox = createSandbox();
    try {
      const script = sandbox.compile('if (msg.n === 3) { while (true) {} }\nreturn { n: msg.n };');
      const results = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((n) => script.run({ n }, { timeoutMs: 100 }).then((v) => v, (e: ScriptError) => e.code)),
      );
      assert.deepEqual(results, [{ n: 0 }, { n: 1 }, { n: 2 }, 'SCRIPT_TIMEOUT', { n: 4 }, { n: 5 }]);
    } finally {
      sandbox.dispose();
    }
  });

  test('a run may hold only so many timers, and ctx.log lines are capped', async () => {
    const sandbox = createSandbox();
    try {
      const timers = sandbox.compile('for (let i = 0; i < 1000; i++) setTimeout(() => {}, 50);');
      await assert.rejects(timers.run({}), /at most 100 pending timers/);
      const log = memoryLogger();
      await sandbox.compile('for (let i = 0; i < 5000; i++) ctx.log(i);').run({}, { log });
      assert.equal(log.lines.length, 1001);
      assert.match(log.lines[1000]?.msg ?? '', /dropped/);
    } finally {
      sandbox.dispose();
    }
  });
});

describe('script sandbox: memory limit', () => {
  test('a memory bomb fails its run clearly; the isolate is re-created and the next runs work', async () => {
    const log = memoryLogger();
    const sandbox = createSandbox({ memoryMb: 32, log });
    try {
      const bomb = sandbox.compile('if (!msg.boom) return { ok: true };\nconst parts = [];\nwhile (true) parts.push("x".repeat(1024) + parts.length);');
      const neighbour = sandbox.compile('return { payload: msg.payload + 1 };');
      const waiting = sandbox.compile('await new Promise(() => {});').run({}, { timeoutMs: 20_000 });
      const rssBefore = process.memoryUsage().rss;
      await assert.rejects(bomb.run({ boom: true }, { timeoutMs: 20_000 }), isCode('SCRIPT_MEMORY', 'script exceeded memory limit of 32 MB'));
      await assert.rejects(waiting, isCode('SCRIPT_MEMORY'), 'runs pending in the dead isolate fail too');
      assert.deepEqual(await bomb.run({ boom: false }), { ok: true }, 'the same script runs again');
      assert.deepEqual(await neighbour.run({ payload: 1 }), { payload: 2 }, 'other scripts of the flow are compiled again');
      assert.ok(log.lines.some((l) => l.level === 'warn' && /memory limit/.test(l.msg)));
      // the host is unharmed: its heap is its own and the isolate's memory went back
      const heap = process.memoryUsage().heapUsed;
      assert.ok(heap < 200 * 1024 * 1024, `host heap ${heap}`);
      assert.ok(process.memoryUsage().rss - rssBefore < 200 * 1024 * 1024, 'the dead isolate\'s memory was freed');
      assert.deepEqual(JSON.parse(JSON.stringify({ host: 'fine' })), { host: 'fine' });
    } finally {
      sandbox.dispose();
    }
  });

  test('a bomb made of one huge array fails the same way, and repeated bombs keep working', async () => {
    const sandbox = createSandbox({ memoryMb: 16 });
    try {
      const bomb = sandbox.compile('const a = [];\nfor (let i = 0; ; i++) a.push({ i, s: String(i).repeat(50) });');
      for (let round = 0; round < 3; round++) {
        await assert.rejects(bomb.run({}, { timeoutMs: 20_000 }), isCode('SCRIPT_MEMORY', 'script exceeded memory limit of 16 MB'));
      }
      assert.deepEqual(await sandbox.compile('return { alive: true };').run({}), { alive: true });
    } finally {
      sandbox.dispose();
    }
  });

  test('the memory limit must be at least 8 MB', () => {
    assert.throws(() => createSandbox({ memoryMb: 4 }), RangeError);
  });
});
