// An idle runner gives its memory back: it stops after TRIBUTARY_SCRIPT_RUNNER_IDLE_MS without a
// run, and the next run of a flow pinned to it starts a new one and compiles the flow's scripts
// there again (ctx.state and ctx.flow live in the server, so nothing of the flow is lost).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runnerIdleMsFromEnv, DEFAULT_RUNNER_IDLE_MS } from './pool.ts';
import { waitFor } from '../server.test-support.ts';
import { processAlive } from './sandbox.test-support.ts';

// set before the process's pool is made (on first use, below)
process.env['TRIBUTARY_SCRIPT_RUNNER_IDLE_MS'] = '1000';
const { createSandbox, scriptRunners } = await import('./index.ts');

const alive = processAlive;

describe('idle script runners', () => {
  test('a runner with no run for the idle time stops; the pinned flow runs again in a new one', { timeout: 60_000 }, async () => {
    const sandbox = createSandbox();
    try {
      const script = sandbox.compile('return { n: msg.n + 1 };');
      assert.deepEqual(await script.run({ n: 1 }), { n: 2 });
      const [first] = scriptRunners();
      assert.ok(first, 'a runner is running the script');
      // busy runners are never retired: runs spaced under the idle time keep the same one
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 400));
        assert.deepEqual(await script.run({ n: i }), { n: i + 1 });
      }
      assert.equal(scriptRunners()[0]?.pid, first.pid, 'the same runner while it is used');
      await waitFor(async () => scriptRunners().length, (n) => n === 0, 10_000, 'the idle runner to stop');
      await waitFor(async () => alive(first.pid), (a) => !a, 5000, 'its process to be gone');
      // the flow's sandbox is still pinned: its next run starts a runner and recompiles
      assert.deepEqual(await script.run({ n: 41 }), { n: 42 });
      const [second] = scriptRunners();
      assert.ok(second && second.pid !== first.pid, 'a new runner took the run');
    } finally {
      sandbox.dispose();
    }
  });

  test('TRIBUTARY_SCRIPT_RUNNER_IDLE_MS: 0 keeps idle runners, at least 1000, default 10 s', () => {
    assert.equal(runnerIdleMsFromEnv({}), DEFAULT_RUNNER_IDLE_MS);
    assert.equal(DEFAULT_RUNNER_IDLE_MS, 10_000);
    assert.equal(runnerIdleMsFromEnv({ TRIBUTARY_SCRIPT_RUNNER_IDLE_MS: '0' }), 0);
    assert.equal(runnerIdleMsFromEnv({ TRIBUTARY_SCRIPT_RUNNER_IDLE_MS: '5' }), 1000);
    assert.equal(runnerIdleMsFromEnv({ TRIBUTARY_SCRIPT_RUNNER_IDLE_MS: '60000' }), 60_000);
    assert.equal(runnerIdleMsFromEnv({ TRIBUTARY_SCRIPT_RUNNER_IDLE_MS: 'soon' }), DEFAULT_RUNNER_IDLE_MS);
  });
});
