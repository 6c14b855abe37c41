/**
 * One server per data dir (issue 8, finding 10): a second `server/main.ts` on the same data dir
 * exits with a message naming the dir and the holder's pid, before it migrates, resumes flows
 * or marks runs failed; the first server's timer keeps firing once per tick and its running runs
 * finish normally. After `kill -9` of the first, a new server starts on the dir at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './bootstrap.ts';
import { createLogger } from './log.ts';
import { DataDirInUseError } from './store/data-dir-lock.ts';
import { TEST_ADMIN_PASSWORD } from './server.test-support.ts';

const root = new URL('..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc { child: ChildProcess; url: Promise<string>; exit: Promise<number | null>; stderr: () => string }

function startProcess(dataDir: string): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, TRIBUTARY_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, TRIBUTARY_LOG_LEVEL: 'error', TRIBUTARY_SHUTDOWN_GRACE_MS: '5000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it listened: ${err}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exit, stderr: () => err };
}

async function login(url: string): Promise<(path: string, body?: unknown) => Promise<any>> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }) });
  const { token } = (await res.json()) as { token: string };
  return async (path, body) => {
    const r = await fetch(url + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return r.json();
  };
}

interface Run { id: string; status: string; startedAt: string; endedAt: string | null; error?: string }

test('a second server on the same data dir is refused before it touches anything; a kill -9 leaves no stale lock', { timeout: 90_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-lock-'));
  const procs: Proc[] = [];
  try {
    const first = startProcess(dataDir);
    procs.push(first);
    const api = await login(await first.url);
    // a tick every 2 s whose run takes 3 s: a run is always in flight
    const flow = await api('/api/flows', {
      name: 'ticks',
      nodes: [
        { id: 't', type: 'timer', params: { unit: 'second', interval: 2 } },
        { id: 'slow', type: 'script', params: { code: 'await new Promise((r) => setTimeout(r, 3000));\nreturn msg;', timeoutMs: 10000 } },
      ],
      edges: [{ source: 't', target: 'slow' }],
    });
    await api(`/api/flows/${flow.id}/start`, {});
    const runs = async (): Promise<Run[]> => api(`/api/runs?flowId=${flow.id}&limit=500`);
    for (let i = 0; i < 200 && !(await runs()).some((r) => r.status === 'running'); i++) await sleep(50);
    const filesBefore = readdirSync(dataDir).sort();

    const second = startProcess(dataDir);
    procs.push(second);
    const code = await Promise.race([second.exit, sleep(20_000).then(() => 'still running')]);
    assert.equal(code, 2, second.stderr());
    assert.match(second.stderr(), new RegExp(`data directory ${dataDir} is in use by another Tributary server \\(pid ${first.child.pid} on `));
    const running = (await runs()).filter((r) => r.status === 'running');
    assert.ok(running.length >= 1, 'a run of the first server was in flight while the second tried');
    assert.deepEqual(readdirSync(dataDir).sort(), filesBefore, 'no file added');

    // the first server's timer fires once per tick, and its running runs finish normally
    await sleep(7000);
    const all = (await runs()).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    for (const r of running) assert.equal(all.find((x) => x.id === r.id)?.status, 'succeeded', `run ${r.id} untouched: ${JSON.stringify(all.find((x) => x.id === r.id))}`);
    assert.equal(all.filter((r) => r.status === 'failed').length, 0, JSON.stringify(all.filter((r) => r.status === 'failed')));
    const starts = all.map((r) => Date.parse(r.startedAt));
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! > 1500, `ticks 2 s apart, not doubled: ${all.map((r) => r.startedAt).join(', ')}`);
    assert.ok(all.length >= 4, `the timer kept firing (${all.length} runs)`);

    // kill -9: the kernel drops the lock with the process, so the next server starts at once
    first.child.kill('SIGKILL');
    await first.exit;
    const third = startProcess(dataDir);
    procs.push(third);
    const api3 = await login(await third.url);
    const after: Run[] = await api3(`/api/runs?flowId=${flow.id}&limit=500`);
    assert.ok(after.length >= all.length, 'the third server opened the same store');
    third.child.kill('SIGTERM');
    assert.equal(await third.exit, 0);
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exit));
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('in one process too: startServer throws DataDirInUseError naming the dir; after close the dir is free', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-lock-'));
  const config = { port: 0, host: '127.0.0.1', dataDir, adminPassword: TEST_ADMIN_PASSWORD, shutdownGraceMs: 1000, secretKey: 'test-secret-key' };
  const log = createLogger({ level: 'error' });
  try {
    const first = await startServer(config, { log });
    await assert.rejects(startServer(config, { log }), (e: unknown) => e instanceof DataDirInUseError && e.dataDir === dataDir && e.holder?.pid === process.pid);
    assert.equal((await fetch(`${first.url}/api/health`)).status, 200, 'the first one still serves');
    await first.close();
    const again = await startServer(config, { log });
    await again.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
