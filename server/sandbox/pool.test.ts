// The pool of runner processes: started on first use, spread over, replaced when one dies,
// stopped with the server, and gone when the server process goes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { configureScriptRunners, createSandbox, scriptRunners, stopIdleScriptRunners } from './index.ts';
import { runnersFromEnv } from './pool.ts';
import { memoryLogger, processAlive } from './sandbox.test-support.ts';
import { startTestServer, waitFor } from '../server.test-support.ts';

const alive = processAlive;

describe('script runner pool', () => {
  test('a server without script nodes starts no runner; the first script node starts one', { timeout: 60_000 }, async () => {
    assert.deepEqual(scriptRunners(), [], 'nothing started yet in this process');
    const server = await startTestServer();
    try {
      const plain = await server.api('/api/flows', {
        body: { name: 'no scripts', nodes: [{ id: 'in', type: 'inject', params: {} }, { id: 's', type: 'set', params: { fields: { 'payload.a': '1' } } }], edges: [{ source: 'in', target: 's' }] },
      });
      await server.api(`/api/flows/${plain.body.id}/start`, { method: 'POST' });
      const run = await server.api(`/api/flows/${plain.body.id}/trigger`, { body: {} });
      await waitFor(() => server.api(`/api/runs/${run.body.runId}`), (r) => r.body?.status === 'succeeded');
      assert.deepEqual(scriptRunners(), [], 'a flow without scripts starts no runner');
      const sandbox = createSandbox();
      assert.deepEqual(scriptRunners(), [], 'a sandbox alone starts none either');
      sandbox.compile('return msg;');
      assert.equal(scriptRunners().length, 1, 'the first compiled script starts one');
      sandbox.dispose();
    } finally {
      await server.destroy();
    }
    assert.deepEqual(scriptRunners(), [], 'the server stopped the runner no flow used any more');
  });

  test('flows spread over the runners (default 2); each flow keeps its own runner', async () => {
    const sandboxes = [createSandbox(), createSandbox(), createSandbox()];
    try {
      const scripts = sandboxes.map((s, i) => s.compile(`globalThis.n = (globalThis.n || 0) + 1;\nreturn { flow: ${i}, n };`));
      for (let round = 1; round <= 2; round++) {
        assert.deepEqual(await Promise.all(scripts.map((s) => s.run({}))), [0, 1, 2].map((flow) => ({ flow, n: round })));
      }
      const runners = scriptRunners();
      assert.equal(runners.length, 2);
      assert.deepEqual(runners.map((r) => r.sandboxes).sort(), [1, 2]);
      assert.notEqual(runners[0]!.pid, process.pid);
    } finally {
      for (const s of sandboxes) s.dispose();
    }
  });

  test('a runner that dies is replaced with a warning; the flow\'s scripts are compiled into the new one', { timeout: 30_000 }, async () => {
    const log = memoryLogger();
    configureScriptRunners({ log });
    const sandbox = createSandbox({ log });
    try {
      const script = sandbox.compile('globalThis.n = (globalThis.n || 0) + 1;\nreturn { n };');
      const other = sandbox.compile('return { other: true };');
      assert.deepEqual(await script.run({}), { n: 1 });
      assert.deepEqual(await script.run({}), { n: 2 });
      const before = scriptRunners().find((r) => r.runs === 0 && r.sandboxes > 0)!;
      const holder = scriptRunners();
      const pid = holder.find((r) => r.pid === before.pid)!.pid;
      process.kill(pid, 'SIGKILL');
      await waitFor(async () => log.lines.some((l) => l.level === 'warn' && /script runner stopped/.test(l.msg)), (v) => v, 5000, 'the warning');
      const warning = log.lines.find((l) => /script runner stopped/.test(l.msg))!;
      assert.equal(warning.fields?.['pid'], pid);
      assert.equal(warning.fields?.['reason'], 'signal SIGKILL');
      // a fresh context in the new runner: globals start again
      assert.deepEqual(await script.run({}), { n: 1 });
      assert.deepEqual(await other.run({}), { other: true });
      assert.ok(!scriptRunners().some((r) => r.pid === pid));
    } finally {
      sandbox.dispose();
    }
  });

  test('stopping idle runners leaves none behind; the next script starts a new one', async () => {
    stopIdleScriptRunners();
    await waitFor(async () => scriptRunners().length, (n) => n === 0, 5000, 'no runners');
    const sandbox = createSandbox();
    try {
      assert.deepEqual(await sandbox.compile('return 1;').run({}), 1);
    } finally {
      sandbox.dispose();
    }
  });

  test('runners leave when the server process dies', { timeout: 60_000 }, async () => {
    const index = fileURLToPath(new URL('./index.ts', import.meta.url));
    const code = `const { createSandbox, scriptRunners } = await import(${JSON.stringify(index)});
      const sandbox = createSandbox();
      await sandbox.compile('return 1;').run({});
      process.stdout.write(JSON.stringify(scriptRunners().map((r) => r.pid)) + '\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
      });
      child.on('exit', (c) => reject(new Error(`the child exited with ${c}`)));
    }).finally(() => clearTimeout(timer));
    try {
      // the runner did not inherit `-e` (it would run the code above instead of being a runner)
      assert.equal(pids.length, 1);
      assert.ok(alive(pids[0]!));
    } finally {
      child.kill('SIGKILL');
    }
    await waitFor(async () => alive(pids[0]!), (a) => !a, 10_000, 'the runner to exit');
  });

  test('TRIBUTARY_SCRIPT_RUNNERS sets the pool size (1–64, default 2)', () => {
    assert.equal(runnersFromEnv({}), 2);
    assert.equal(runnersFromEnv({ TRIBUTARY_SCRIPT_RUNNERS: '4' }), 4);
    assert.equal(runnersFromEnv({ TRIBUTARY_SCRIPT_RUNNERS: '1' }), 1);
    assert.equal(runnersFromEnv({ TRIBUTARY_SCRIPT_RUNNERS: '500' }), 64);
    assert.equal(runnersFromEnv({ TRIBUTARY_SCRIPT_RUNNERS: 'lots' }), 2);
    assert.equal(runnersFromEnv({ TRIBUTARY_SCRIPT_RUNNERS: '0' }), 2);
  });
});
