import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const root = new URL('..', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function api(base: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

test('SIGTERM stops triggers, lets the running run finish, exits 0; the flow resumes on the next start', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-sigterm-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const start = () =>
    spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', String(port), '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, TRIBUTARY_ADMIN_PASSWORD: 'sigterm-pass-1', TRIBUTARY_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const waitUp = async () => {
    for (let i = 0; i < 200; i++) {
      try {
        if ((await api(base, '/api/health', null)).status === 200) return;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('server did not start');
  };
  try {
    const proc = start();
    await waitUp();
    const token = (await api(base, '/api/auth/login', null, { username: 'admin', password: 'sigterm-pass-1' })).body.token as string;
    const flow = await api(base, '/api/flows', token, {
      name: 'slow',
      nodes: [
        { id: 'in', type: 'inject', params: { payload: 1 } },
        { id: 'slow', type: 'script', params: { code: 'await new Promise(r => setTimeout(r, 1500)); return msg;', timeoutMs: 5000 } },
      ],
      edges: [{ source: 'in', target: 'slow' }],
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
    await api(base, `/api/flows/${flow.body.id}/start`, token, {});
    const { runId } = (await api(base, `/api/flows/${flow.body.id}/trigger`, token, {})).body as { runId: string };
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);

    const again = start();
    await waitUp();
    const token2 = (await api(base, '/api/auth/login', null, { username: 'admin', password: 'sigterm-pass-1' })).body.token as string;
    const run = await api(base, `/api/runs/${runId}`, token2);
    assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
    assert.equal((await api(base, `/api/flows/${flow.body.id}`, token2)).body.state, 'running');
    const exited2 = new Promise<number | null>((resolve) => again.on('exit', (code) => resolve(code)));
    again.kill('SIGTERM');
    assert.equal(await exited2, 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
