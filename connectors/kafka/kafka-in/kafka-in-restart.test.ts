// Kill-and-restart: a consumer process SIGKILLed mid-stream loses nothing; its successor in the
// same group processes every record at least once and commits to the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { committed, createTopic, testAdmin, testProducer, uniqueName, waitFor } from '../kafka.test-support.ts';

const COUNT = 200;
const child = join(import.meta.dirname, 'restart-child.test-support.ts');

function start(args: string[]): ChildProcess {
  return fork(child, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

const exited = (cp: ChildProcess) => new Promise<void>((resolve) => (cp.exitCode !== null || cp.signalCode !== null ? resolve() : cp.once('exit', () => resolve())));

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

test('SIGKILL mid-stream, restart in the same group: every record processed at least once, committed to the end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-restart-'));
  const processed = join(dir, 'processed.txt');
  const status = join(dir, 'status.json');
  const topic = uniqueName('restart');
  const groupId = uniqueName('g');
  const admin = testAdmin();
  const producer = testProducer();
  await Promise.all([admin.connect(), producer.connect()]);
  const children: ChildProcess[] = [];
  try {
    await createTopic(admin, topic, 2);
    await producer.send({ topic, messages: Array.from({ length: COUNT }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }) })) });

    const first = start([topic, groupId, processed, status]);
    children.push(first);
    await waitFor('the first consumer to be mid-stream', () => lines(processed).length >= 40 || undefined, 30_000, 10);
    first.kill('SIGKILL');
    await exited(first);
    const before = lines(processed).length;
    assert.ok(before < COUNT, `killed mid-stream (${before} processed)`);

    const second = start([topic, groupId, processed, status]);
    children.push(second);
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    await waitFor('commits to reach the end', async () => {
      const c = await committed(admin, groupId, topic);
      return [...ends].every(([p, high]) => c.get(p) === high) || undefined;
    }, 40_000, 200);
    await waitFor('lag 0 in the status', () => {
      const s = existsSync(status) ? (JSON.parse(readFileSync(status, 'utf8')) as { lag?: number }) : undefined;
      return s?.lag === 0 || undefined;
    }, 10_000, 100);
    second.kill('SIGTERM');
    await exited(second);

    const seen = lines(processed);
    const unique = new Set(seen);
    const want = [...ends].flatMap(([p, high]) => Array.from({ length: high }, (_, o) => `${p}:${o}`));
    assert.equal(want.length, COUNT);
    const missing = want.filter((x) => !unique.has(x));
    assert.deepEqual(missing, [], 'no record lost');
    assert.ok(seen.length >= COUNT, `${seen.length} runs for ${COUNT} records (duplicates allowed)`);
  } finally {
    for (const cp of children) if (cp.exitCode === null && cp.signalCode === null) cp.kill('SIGKILL');
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    rmSync(dir, { recursive: true, force: true });
  }
});
