// Red-team repros against a real started server: while each attack runs, GET /api/health is
// polled and every answer must come within 1 s; afterwards the same flow runs normally again.
// Scripts run in runner processes, so none of this reaches the server's own thread.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';
import { scriptRunners } from './index.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

interface Step { nodeId: string; status: string; error?: string; output?: unknown; logs?: string[] }
interface RunBody { status: string; error?: string; steps: Step[] }

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** inject `in` → script `js` (→ more nodes) saved and started; returns the flow id */
async function deploy(
  code: string,
  options: { timeoutMs?: number; settings?: Record<string, unknown>; loop?: boolean; onError?: string } = {},
): Promise<string> {
  const js = {
    id: 'js',
    type: 'script',
    params: { code, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) },
    ...(options.onError ? { onError: options.onError } : {}),
  };
  const nodes: unknown[] = [{ id: 'in', type: 'inject', params: { payload: 'normal' } }, js];
  const edges: unknown[] = [];
  if (options.loop) {
    nodes.push({ id: 'each', type: 'loop', params: { items: '${payload}' } });
    edges.push({ source: 'in', target: 'each' }, { source: 'each', sourcePort: 'each', target: 'js' });
  } else {
    edges.push({ source: 'in', target: 'js' });
  }
  const created = await s.api('/api/flows', { body: { name: `attack ${process.pid}-${Math.random()}`, nodes, edges, ...(options.settings ? { settings: options.settings } : {}) } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  assert.equal((await s.api(`/api/flows/${id}/start`, { method: 'POST' })).body.state, 'running');
  return id;
}

async function fire(flowId: string, payload: unknown): Promise<string> {
  const fired = await s.api(`/api/flows/${flowId}/trigger`, { body: { payload } });
  assert.equal(fired.status, 200, JSON.stringify(fired.body));
  return fired.body.runId as string;
}

async function ended(runId: string, timeoutMs = 30_000): Promise<RunBody> {
  const run = await waitFor(() => s.api(`/api/runs/${runId}`), (r) => r.status === 200 && r.body.status !== 'running', timeoutMs, `run ${runId} to end`);
  return run.body as RunBody;
}

async function runOnce(flowId: string, payload: unknown, timeoutMs?: number): Promise<RunBody> {
  return ended(await fire(flowId, payload), timeoutMs);
}

const scriptStep = (run: RunBody): Step => {
  const step = run.steps.find((st) => st.nodeId === 'js');
  assert.ok(step, `no script step in ${JSON.stringify(run).slice(0, 500)}`);
  return step;
};

/** the flow works normally again: a plain message goes through the script */
async function worksAgain(flowId: string): Promise<void> {
  const run = await runOnce(flowId, 'normal');
  assert.equal(run.status, 'succeeded', JSON.stringify(run).slice(0, 1000));
  assert.deepEqual((scriptStep(run).output as { payload: unknown }).payload, 'normal');
}

/**
 * Runs `attack` while polling /api/health every 100 ms; every answer must arrive within 1 s
 * (the server's thread is never blocked by a script).
 */
async function whileHealthy<T>(attack: () => Promise<T>): Promise<T> {
  let done = false;
  let answers = 0;
  const slow: number[] = [];
  const poller = (async () => {
    while (!done) {
      const started = performance.now();
      try {
        const res = await fetch(`${s.url}/api/health`, { signal: AbortSignal.timeout(5000) });
        await res.text();
        if (res.status !== 200) slow.push(-res.status);
      } catch {
        slow.push(5000);
      }
      const took = performance.now() - started;
      answers++;
      if (took >= 1000) slow.push(Math.round(took));
      await sleep(100);
    }
  })();
  try {
    return await attack();
  } finally {
    done = true;
    await poller;
    assert.ok(answers > 0, 'health was polled');
    assert.deepEqual(slow, [], `health answers that took 1 s or more (ms), of ${answers}`);
  }
}

/** overrides an intrinsic when the payload says "attack", then returns normally */
const overriding = (override: string): string =>
  `if (msg.payload === 'attack') {\n${override}\n}\nreturn msg;`;

describe('scripts that replace what the runner relies on', () => {
  test('Array.prototype.join returning "": the run ends, the server answers, the flow works on', { timeout: 60_000 }, async () => {
    const id = await deploy(overriding("Array.prototype.join = function () { return ''; };"));
    await whileHealthy(async () => {
      const run = await runOnce(id, 'attack');
      assert.equal(run.status, 'succeeded', JSON.stringify(run).slice(0, 1000));
      assert.deepEqual(scriptStep(run).output, { payload: 'attack' });
      for (let i = 0; i < 3; i++) await worksAgain(id);
    });
  });

  test('Array.prototype.join returning extra lines: no runner confusion, no crash', { timeout: 60_000 }, async () => {
    const id = await deploy(overriding("Array.prototype.join = function () { return 'x\\n{\"a\":1}\\n{\"b\":2}\\nu\\np'; };"));
    await whileHealthy(async () => {
      const runs = await Promise.all(['attack', 'normal', 'attack', 'normal'].map((p) => runOnce(id, p)));
      for (const run of runs) assert.equal(run.status, 'succeeded', JSON.stringify(run).slice(0, 1000));
      assert.deepEqual(runs.map((run) => (scriptStep(run).output as { payload: unknown }).payload), ['attack', 'normal', 'attack', 'normal']);
      await worksAgain(id);
    });
  });

  const overrides: [string, string][] = [
    ['JSON.stringify / JSON.parse', 'JSON.stringify = () => "\\"hacked\\""; JSON.parse = () => ({ hacked: true });'],
    ['Promise.prototype.then / catch / finally', 'Promise.prototype.then = function () { throw new Error("then"); }; Promise.prototype.catch = null; Promise.prototype.finally = null;'],
    ['Object.freeze / create / defineProperty', 'Object.freeze = (o) => o; Object.create = () => ({}); Object.defineProperty = () => { throw new Error("dp"); };'],
    ['String.prototype.split / slice / indexOf', 'String.prototype.split = () => []; String.prototype.slice = () => ""; String.prototype.indexOf = () => -1;'],
    ['Map.prototype.get / set / delete / iterator', 'Map.prototype.get = () => undefined; Map.prototype.set = function () { return this; }; Map.prototype.delete = () => true; Map.prototype[Symbol.iterator] = function* () {};'],
    ['Array.prototype.push / index setters', 'Array.prototype.push = () => 0; Object.defineProperty(Array.prototype, "0", { set() { throw new Error("set 0"); }, configurable: true });'],
    ['Reflect.apply / Function.prototype.call / apply / bind', 'Reflect.apply = () => { throw new Error("apply"); }; Function.prototype.call = null; Function.prototype.apply = null; Function.prototype.bind = null;'],
    ['Object.prototype.toJSON and getters on Object.prototype', 'Object.defineProperty(Object.prototype, "then", { get() { throw new Error("then getter"); }, configurable: true }); String.prototype.toJSON = () => 1;'],
    ['String / Date.now / Error', 'globalThis.String = () => "s"; Date.now = () => 0; globalThis.Error = function () {}; globalThis.RangeError = null; globalThis.TypeError = null;'],
  ];
  for (const [what, override] of overrides) {
    test(`${what} replaced: the run ends, the server answers, the next run works`, { timeout: 60_000 }, async () => {
      const id = await deploy(overriding(override));
      await whileHealthy(async () => {
        const run = await runOnce(id, 'attack');
        // the script broke its own globals; whatever it returns, the run ends with an outcome
        assert.ok(run.status === 'succeeded' || run.status === 'failed', run.status);
        const step = scriptStep(run);
        if (run.status === 'failed') assert.equal(typeof step.error, 'string');
        await worksAgain(id);
        // ctx still works in the context the script spoiled
        const probe = await runOnce(id, 'normal');
        assert.equal(probe.status, 'succeeded');
      });
    });
  }

  test('overrides plus ctx.state, ctx.flow, ctx.log and timers in the same spoiled context', { timeout: 60_000 }, async () => {
    const id = await deploy([
      "Array.prototype.join = () => ''; JSON.stringify = () => '\"x\"'; Map.prototype.get = () => 1;",
      'Promise.prototype.then = null; String.prototype.split = () => [];',
      'const n = (ctx.state.get("n") || 0) + 1; ctx.state.set("n", n); ctx.flow.set("f", { n }); ctx.log("n is", n);',
      'await new Promise((r) => setTimeout(r, 5));',
      'return { payload: msg.payload, n, f: ctx.flow.get("f") };',
    ].join('\n'));
    await whileHealthy(async () => {
      for (let n = 1; n <= 3; n++) {
        const run = await runOnce(id, 'normal');
        assert.equal(run.status, 'succeeded', JSON.stringify(run).slice(0, 1000));
        const step = scriptStep(run);
        assert.deepEqual(step.output, { payload: 'normal', n, f: { n } });
        assert.deepEqual(step.logs, [`[info] n is ${n}`]);
      }
    });
  });
});

describe('scripts that try to exhaust memory or time', () => {
  test('returning 50 MB: the run fails with a size error; nothing that big reaches the server', { timeout: 60_000 }, async () => {
    const id = await deploy("if (msg.payload === 'attack') return { payload: 'x'.repeat(50e6) };\nreturn msg;", { timeoutMs: 20_000 });
    await whileHealthy(async () => {
      const run = await runOnce(id, 'attack');
      assert.equal(run.status, 'failed');
      // refused inside the isolate (by the size check, or by the memory limit while making the
      // JSON) or, should V8 give up on the isolate, by losing its runner — never the server
      assert.match(scriptStep(run).error ?? '',
        /^(the script returned 47\.7 MB of JSON, above the message limit of 16 MB|script exceeded memory limit of 64 MB|the script runner stopped \(.*\) while this run was in it)$/);
      await worksAgain(id);
    });
  });

  test('ctx.state.set of 100 MB, eight times: each refused clearly, the server stays up', { timeout: 120_000 }, async () => {
    const id = await deploy("if (msg.payload === 'attack') ctx.state.set('big', 'x'.repeat(100e6));\nreturn msg;", { timeoutMs: 20_000 });
    await whileHealthy(async () => {
      for (let i = 0; i < 8; i++) {
        const run = await runOnce(id, 'attack');
        assert.equal(run.status, 'failed');
        assert.match(scriptStep(run).error ?? '',
          /^(RangeError: ctx\.state\.set: the value is 95\.4 MB of JSON, above the limit of 1 MB \(line 1, column \d+\)|script exceeded memory limit of 64 MB|the script runner stopped \(.*\) while this run was in it)$/);
      }
      await worksAgain(id);
    });
    assert.deepEqual(s.store.nodeState.load(id, 'js'), {}, 'nothing was written');
  });

  test('while (true) {} with a 60 s limit: the server answers throughout, other flows keep running, the run fails at its limit', { timeout: 120_000 }, async () => {
    const spinner = await deploy("if (msg.payload === 'attack') { while (true) {} }\nreturn msg;", { timeoutMs: 60_000 });
    const neighbour = await deploy('return { payload: msg.payload + "!" };');
    await whileHealthy(async () => {
      const started = Date.now();
      const spin = fire(spinner, 'attack').then((runId) => ended(runId, 90_000));
      // another flow's scripts run meanwhile, in their own isolate
      for (let i = 0; i < 5; i++) {
        await sleep(1000);
        const run = await runOnce(neighbour, `n${i}`);
        assert.equal(run.status, 'succeeded');
        assert.deepEqual(scriptStep(run).output, { payload: `n${i}!` });
      }
      const run = await spin;
      const took = Date.now() - started;
      assert.equal(run.status, 'failed');
      assert.equal(scriptStep(run).error, 'script timed out after 60000 ms');
      assert.ok(took >= 59_000 && took < 75_000, `failed after ${took} ms`);
      await worksAgain(spinner);
    });
  });

  test('a ctx.log flood: the run keeps its first 1000 lines, the server answers throughout', { timeout: 60_000 }, async () => {
    const id = await deploy("if (msg.payload === 'attack') { for (let i = 0; i < 2e6; i++) ctx.log('x'.repeat(2000) + i); }\nreturn msg;", { timeoutMs: 20_000 });
    await whileHealthy(async () => {
      const run = await runOnce(id, 'attack');
      assert.equal(run.status, 'succeeded', JSON.stringify(run).slice(0, 500));
      // the run kept at most 1000 lines / 1 MB of them (limits.test.ts counts them); its trace
      // keeps a bounded preview
      const logs = JSON.stringify(scriptStep(run).logs);
      assert.match(logs, /xxxxxxxx/);
      assert.ok(logs.length < 64 * 1024, `${logs.length} characters of logs in the trace`);
      await worksAgain(id);
    });
  });

  test('a loop node feeding a log-flooding script 200 times: the server answers throughout', { timeout: 120_000 }, async () => {
    const id = await deploy("if (msg.payload > 0) { for (let i = 0; i < 1e5; i++) ctx.log('y'.repeat(4000)); }\nreturn msg;", { loop: true, timeoutMs: 20_000 });
    await whileHealthy(async () => {
      const run = await runOnce(id, Array.from({ length: 200 }, (_, i) => i + 1), 90_000);
      assert.equal(run.status, 'succeeded', JSON.stringify(run).slice(0, 500));
      assert.equal(run.steps.filter((st) => st.nodeId === 'js').length, 200);
    });
  });

  test('a loop node feeding a memory bomb for 8 items: each fails with the memory limit, the server answers throughout', { timeout: 180_000 }, async () => {
    const id = await deploy(
      "if (msg.payload > 0) { const a = []; while (true) a.push('x'.repeat(1024) + a.length); }\nreturn msg;",
      // every item bombs: the loop goes on after a failed item, so each one fills the isolate
      { loop: true, timeoutMs: 30_000, onError: 'continue' },
    );
    await whileHealthy(async () => {
      const payload = Array.from({ length: 8 }, (_, i) => i + 1);
      const run = await runOnce(id, payload, 150_000);
      const steps = run.steps.filter((st) => st.nodeId === 'js');
      assert.equal(steps.length, 8);
      for (const step of steps) assert.equal(step.error, 'script exceeded memory limit of 64 MB');
      const again = await runOnce(id, [0, 0, 0]);
      assert.equal(again.status, 'succeeded', JSON.stringify(again).slice(0, 500));
    });
  });
});

describe('ctx.flow and ctx.state have total limits', () => {
  test('a new 20 MB ctx.flow key per run: refused at the limit, server alive after 250 runs', { timeout: 240_000 }, async () => {
    const id = await deploy("if (msg.payload === 'attack') ctx.flow.set('k' + Date.now() + Math.random(), 'x'.repeat(20e6));\nreturn msg;", { timeoutMs: 20_000 });
    const heapBefore = process.memoryUsage().heapUsed;
    await whileHealthy(async () => {
      for (let i = 0; i < 250; i++) {
        const run = await runOnce(id, 'attack');
        assert.equal(run.status, 'failed');
        assert.match(scriptStep(run).error ?? '', /^RangeError: ctx\.flow\.set: the value is 19\.1 MB of JSON, above the limit of 16 MB \(line 1, column \d+\)$/);
      }
      await worksAgain(id);
    });
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 100 * 1024 * 1024, 'the server heap did not grow by the attempts');
  });

  test('new 3 MB ctx.flow keys: written until the flow holds 16 MB, then refused with nothing written', { timeout: 60_000 }, async () => {
    const id = await deploy([
      "if (msg.payload === 'read') return { payload: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ctx.flow.get('k' + i) !== undefined) };",
      "ctx.flow.set('k' + msg.payload, 'x'.repeat(3e6));",
      'return { payload: msg.payload };',
    ].join('\n'));
    await whileHealthy(async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < 8; i++) outcomes.push((await runOnce(id, i)).status);
      assert.deepEqual(outcomes, ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'failed', 'failed']);
      const read = await runOnce(id, 'read');
      assert.deepEqual(scriptStep(read).output, { payload: [true, true, true, true, true, false, false, false] }, 'refused keys were not written');
      const refused = await runOnce(id, 99);
      assert.match(scriptStep(refused).error ?? '', /^RangeError: ctx\.flow\.set: the flow's memory would hold 17\.2 MB, above its limit of 16 MB \(line 2, column \d+\)$/);
    });
  });

  test('limits in the flow settings are checked when the flow is saved', async () => {
    for (const [key, value] of [['scriptStateKb', 0], ['scriptFlowMemoryMb', 'lots'], ['scriptMessageMb', 1000]] as const) {
      const res = await s.api('/api/flows', {
        body: { name: `bad ${key}`, nodes: [{ id: 'in', type: 'inject', params: {} }], edges: [], settings: { [key]: value } },
      });
      assert.equal(res.status, 400, `${key}: ${JSON.stringify(res.body)}`);
      assert.match(JSON.stringify(res.body), new RegExp(key));
    }
  });

  test('ctx.flow limit from the flow settings', { timeout: 60_000 }, async () => {
    const id = await deploy("ctx.flow.set('k' + msg.payload, 'x'.repeat(600e3));\nreturn msg;", { settings: { scriptFlowMemoryMb: 1 } });
    assert.equal((await runOnce(id, 1)).status, 'succeeded');
    const refused = await runOnce(id, 2);
    assert.equal(refused.status, 'failed');
    assert.match(scriptStep(refused).error ?? '', /would hold 1\.2 MB, above its limit of 1 MB \(line 1, column \d+\)$/);
  });

  test('a new 100 KB ctx.state key per run: refused at 1 MB per node, and the store holds no more', { timeout: 60_000 }, async () => {
    const id = await deploy("ctx.state.set('k' + msg.payload, 'x'.repeat(100e3));\nreturn msg;");
    await whileHealthy(async () => {
      const statuses: string[] = [];
      for (let i = 0; i < 14; i++) statuses.push((await runOnce(id, i)).status);
      assert.equal(statuses.filter((st) => st === 'succeeded').length, 10, statuses.join(','));
      const refused = await runOnce(id, 'more');
      assert.equal(refused.status, 'failed');
      assert.match(scriptStep(refused).error ?? '',
        /^RangeError: ctx\.state\.set: the state of node js would hold 1\.1 MB, above its limit of 1 MB \(line 1, column \d+\)$/);
    });
    const stored = s.store.nodeState.load(id, 'js');
    assert.equal(Object.keys(stored).length, 10);
    assert.ok(JSON.stringify(stored).length <= 1024 * 1024);
    // replacing a key's value with one of the same size is still fine at the limit
    assert.equal((await runOnce(id, 0)).status, 'succeeded');
  });
});

describe('runner processes that die or hang', () => {
  for (const signal of ['SIGKILL', 'SIGSEGV'] as const) {
    test(`a runner killed with ${signal} mid-run: its run fails clearly, the next run works`, { timeout: 60_000 }, async () => {
      const id = await deploy("if (msg.payload === 'attack') await new Promise((r) => setTimeout(r, 5000));\nreturn msg;", { timeoutMs: 20_000 });
      await worksAgain(id);
      await whileHealthy(async () => {
        const runId = await fire(id, 'attack');
        const holder = await waitFor(async () => scriptRunners().find((r) => r.runs > 0), (r) => r !== undefined, 5000, 'a runner holding the run');
        process.kill(holder!.pid, signal);
        const run = await ended(runId);
        assert.equal(run.status, 'failed');
        assert.equal(scriptStep(run).error, `the script runner stopped (signal ${signal}) while this run was in it`);
        await worksAgain(id);
        assert.ok(!scriptRunners().some((r) => r.pid === holder!.pid), 'the dead runner was replaced');
      });
    });
  }

  test('a runner that stops answering (SIGSTOP) is killed and replaced; its run fails, the next run works', { timeout: 60_000 }, async () => {
    const id = await deploy("if (msg.payload === 'attack') await new Promise((r) => setTimeout(r, 8000));\nreturn msg;", { timeoutMs: 20_000 });
    await worksAgain(id);
    await whileHealthy(async () => {
      const runId = await fire(id, 'attack');
      const holder = await waitFor(async () => scriptRunners().find((r) => r.runs > 0), (r) => r !== undefined, 5000, 'a runner holding the run');
      const started = Date.now();
      process.kill(holder!.pid, 'SIGSTOP');
      const run = await ended(runId);
      assert.ok(Date.now() - started < 6000, 'noticed within a few seconds');
      assert.equal(scriptStep(run).error, 'the script runner stopped (it did not answer for 3 s) while this run was in it');
      await worksAgain(id);
    });
  });
});
