// The server's side of a runner, against runners that misbehave on purpose (small scripts that
// speak the IPC protocol wrongly, hang, crash or flood their output): whatever they send, the
// server neither throws nor waits forever; only the runs they held fail.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptError } from './errors.ts';
import { RunnerProcess } from './runner-process.ts';
import type { Slot, SlotOwner } from './run-slot.ts';
import { memoryLogger } from './sandbox.test-support.ts';
import { waitFor } from '../server.test-support.ts';

const FAKE_RUNNER = `
import { Socket } from 'node:net';
const mode = process.env.FAKE_MODE;
const channel = new Socket({ fd: 3, readable: true, writable: true });
const PAYLOAD = { lines: 'values', settle: 'line', log: 'text', call: 'b', batch: 'input', compile: 'code', reply: 'value' };
const send = (frames) => {
  for (const frame of frames) {
    const field = PAYLOAD[frame.t];
    const payload = field && typeof frame[field] === 'string' ? frame[field] : undefined;
    const header = JSON.stringify(frame, (k, v) => (k === field ? undefined : v));
    const pre = Buffer.alloc(8);
    pre.writeUInt32BE(Buffer.byteLength(header), 0);
    pre.writeUInt32BE(payload === undefined ? 0xffffffff : Buffer.byteLength(payload), 4);
    channel.write(Buffer.concat([pre, Buffer.from(header), Buffer.from(payload ?? '')]));
  }
};
let buffered = Buffer.alloc(0);
channel.on('data', (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  while (buffered.length >= 8) {
    const h = buffered.readUInt32BE(0), p0 = buffered.readUInt32BE(4), p = p0 === 0xffffffff ? 0 : p0;
    if (buffered.length < 8 + h + p) break;
    const frame = JSON.parse(buffered.toString('utf8', 8, 8 + h));
    if (p0 !== 0xffffffff) frame[PAYLOAD[frame.t]] = buffered.toString('utf8', 8 + h, 8 + h + p);
    buffered = buffered.subarray(8 + h + p);
    onFrame(frame);
  }
});
channel.on('close', () => process.exit(0));
if (mode !== 'not-ready') send([{ t: 'ready', pid: process.pid }]);
if (mode === 'noisy') for (let i = 0; i < 500; i++) process.stderr.write('noise ' + i + ' ' + 'z'.repeat(5000) + '\\n');
function onFrame(f) {
  if (f.t === 'ping') {
    if (mode === 'silent') return;
    send([{ t: 'pong', seq: f.seq, busy: mode === 'stuck' ? [[7, 999999, 100]] : [] }]);
  }
  if (f.t !== 'batch') return;
  const n = f.count;
  if (mode === 'extra-lines') send([{ t: 'lines', first: f.first, index: 0, kinds: 'u'.repeat(n + 3), values: JSON.stringify(Array(n + 3).fill(0)) }]);
  if (mode === 'bad-frame') send([{ t: 'lines', first: f.first, index: 0, lines: 'nope' }]);
  if (mode === 'garbage') channel.write(Buffer.from([0xff, 0xff, 0xff, 0x00, 1, 2, 3, 4, 5, 6]));
  if (mode === 'crash') process.exit(3);
  if (mode === 'lines') send([{ t: 'lines', first: f.first, index: 0, kinds: 'evxvup', values: '[{"not":"a list"},{"ok":1},["WHAT","it went wrong"],5,0,0]' }]);
  if (mode === 'unparsable') send([{ t: 'lines', first: f.first, index: 0, kinds: 'vv', values: '[1,{broken' }]);
  if (mode === 'short') send([{ t: 'lines', first: f.first, index: 0, kinds: 'vv', values: '[1]' }]);
  if (mode === 'late-settle') {
    send([{ t: 'lines', first: f.first, index: 0, kinds: 'pp', values: '[0,0]' }]);
    send([{ t: 'settle', token: f.first, line: '{"late":true}' }, { t: 'settle', token: f.first + 1, line: 'p' }]);
  }
}
`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-fake-runner-'));
  writeFileSync(join(dir, 'fake-runner.mjs'), FAKE_RUNNER);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const owner: SlotOwner = {
  name: 'n1',
  source: { filename: 'script:n1', lineCount: 1 },
  fallbackLog: undefined,
  limits: { flowBytes: 1024, stateBytes: 1024, messageBytes: 1024 * 1024 },
  sid: 1,
  scid: 1,
};

function slots(count: number, timeoutMs = 1000): { slots: Slot[]; outcomes: Promise<unknown>[] } {
  const made: Slot[] = [];
  const outcomes: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    outcomes.push(new Promise((resolve, reject) => {
      made.push({ token: 0, owner, options: {}, timeoutMs, done: false, waiter: { resolve, reject }, json: `{"n":${i}}` });
    }).then((value) => ({ value }), (error: unknown) => ({ error: error instanceof ScriptError ? `${error.code}: ${error.message}` : String(error) })));
  }
  return { slots: made, outcomes };
}

function fake(mode: string, log = memoryLogger()): RunnerProcess {
  process.env['FAKE_MODE'] = mode;
  try {
    return new RunnerProcess({ entry: join(dir, 'fake-runner.mjs'), execArgv: [], log });
  } finally {
    delete process.env['FAKE_MODE'];
  }
}

const lost = (reason: string): { error: string } => ({ error: `SCRIPT_RUNNER_LOST: the script runner stopped (${reason}) while this run was in it` });

describe('a runner that breaks the protocol', () => {
  test('answering more lines than the batch held: the runner is killed, its runs fail, nothing throws', async () => {
    const runner = fake('extra-lines');
    const { slots: batch, outcomes } = slots(3);
    runner.startBatch(batch, 1000);
    assert.deepEqual(await Promise.all(outcomes), [0, 1, 2].map(() => lost('it answered for more runs than a batch held')));
    assert.equal(runner.alive, false);
  });

  test('a frame that does not check out (lines is not a list) fails the runs it held', async () => {
    const runner = fake('bad-frame');
    const { slots: batch, outcomes } = slots(2);
    runner.startBatch(batch, 1000);
    assert.deepEqual(await Promise.all(outcomes), [lost('it sent a malformed frame'), lost('it sent a malformed frame')]);
  });

  test('bytes that are not frames at all', async () => {
    const runner = fake('garbage');
    const { slots: batch, outcomes } = slots(1);
    runner.startBatch(batch, 1000);
    assert.deepEqual(await Promise.all(outcomes), [lost('it sent a malformed frame (a frame header is too long)')]);
  });

  test('results that do not parse, or fewer than announced: the runner is killed, its runs fail', async () => {
    for (const [mode, count] of [['unparsable', 2], ['short', 2]] as const) {
      const runner = fake(mode);
      const { slots: batch, outcomes } = slots(count);
      runner.startBatch(batch, 1000);
      assert.deepEqual(await Promise.all(outcomes), [lost('it sent results that do not parse'), lost('it sent results that do not parse')]);
    }
  });

  test('a malformed outcome fails only its own run; good ones still count', async () => {
    const runner = fake('lines');
    try {
      const { slots: batch, outcomes } = slots(6, 300);
      runner.startBatch(batch, 300);
      const results = await Promise.all(outcomes);
      assert.deepEqual(results.slice(0, 5), [
        { error: 'SCRIPT_DATA: the script runner sent a malformed error' },
        { value: { ok: 1 } },
        { error: 'SCRIPT_ERROR: it went wrong' },
        { value: 5 },
        { value: undefined },
      ]);
      // the pending one is never settled by this runner: the server's backstop fails it
      assert.deepEqual(results[5], { error: 'SCRIPT_TIMEOUT: script timed out after 300 ms' });
      assert.equal(runner.alive, true);
    } finally {
      runner.kill('test over');
    }
  });

  test('a settle for a run that was not pending, or a settle that is still "p", is not trusted', async () => {
    const runner = fake('late-settle');
    try {
      const { slots: batch, outcomes } = slots(2, 200);
      runner.startBatch(batch, 200);
      assert.deepEqual(await Promise.all(outcomes), [
        { value: { late: true } },
        { error: 'SCRIPT_DATA: the script runner sent a malformed result' },
      ]);
    } finally {
      runner.kill('test over');
    }
  });
});

describe('a runner that dies or hangs', () => {
  test('exiting mid-batch: its runs fail with the exit code and the stop is reported', async () => {
    const runner = fake('crash');
    let stopped = '';
    runner.onStop = (_, reason) => {
      stopped = reason;
    };
    const { slots: batch, outcomes } = slots(2);
    runner.startBatch(batch, 1000);
    assert.deepEqual(await Promise.all(outcomes), [lost('exit code 3'), lost('exit code 3')]);
    assert.equal(stopped, 'exit code 3');
  });

  test('not answering pings: killed within a few seconds, its runs fail', { timeout: 20_000 }, async () => {
    const runner = fake('silent');
    const { slots: batch, outcomes } = slots(1, 60_000);
    const started = Date.now();
    runner.startBatch(batch, 60_000);
    assert.deepEqual(await Promise.all(outcomes), [lost('it did not answer for 3 s')]);
    assert.ok(Date.now() - started < 6000);
  });

  test('reporting a script that runs far past its time limit: killed', { timeout: 20_000 }, async () => {
    const runner = fake('stuck');
    const { slots: batch, outcomes } = slots(1, 60_000);
    runner.startBatch(batch, 60_000);
    assert.deepEqual(await Promise.all(outcomes), [
      lost('a script of sandbox 7 ran 999999 ms, past its time limit of 100 ms, and could not be stopped'),
    ]);
  });

  test('a flood on stderr reaches the server log bounded: lines cut, at most 50 per window', { timeout: 20_000 }, async () => {
    const log = memoryLogger();
    const runner = fake('noisy', log);
    try {
      const { slots: batch } = slots(1, 5000);
      // nothing answers the batch; we only wait for the output
      runner.startBatch(batch, 5000);
      await waitFor(async () => log.lines.some((l) => /further output is dropped/.test(l.msg)), (v) => v, 15_000, 'the drop notice');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const output = log.lines.filter((l) => l.msg === 'script runner output');
      assert.equal(output.length, 50);
      for (const line of output) assert.ok(String(line.fields?.['line']).length <= 2001);
    } finally {
      runner.kill('test over');
    }
  });
});
