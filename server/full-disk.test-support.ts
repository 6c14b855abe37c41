/** A real server whose data directory is on a disk the test can fill (see test-full-disk.ts). */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, waitFor, type TestServer } from './server.test-support.ts';
import { smallDisk, type SmallDisk } from './test-full-disk.ts';
import { createLogger } from './log.ts';

export interface LogLine { level: string; msg: string; [k: string]: unknown }

/** a server on a small disk, every log line captured; closed and unmounted after the test */
export async function fullDiskServer(t: TestContext): Promise<{ srv: TestServer; disk: SmallDisk; logs: LogLine[] }> {
  const disk = smallDisk();
  t.diagnostic(`full disk simulated with: ${disk.mechanism}`);
  const logs: LogLine[] = [];
  const log = createLogger({ level: 'debug', write: (line) => logs.push(JSON.parse(line) as LogLine) });
  let srv: TestServer;
  try {
    srv = await startTestServer({ dataDir: disk.dir, log });
  } catch (err) {
    disk.dispose();
    throw err;
  }
  t.after(async () => {
    await srv.close().catch(() => undefined);
    disk.dispose();
  });
  return { srv, disk, logs };
}

/** creates and starts a flow; its id */
export async function runningFlow(srv: TestServer, nodes: unknown[], edges: unknown[]): Promise<string> {
  const created = await srv.api('/api/flows', { body: { name: `full-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, nodes, edges } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await srv.api(`/api/flows/${created.body.id}/start`, { method: 'POST' });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return created.body.id as string;
}

/** GET /api/health, asserting it answers within 1 s (the process is up and not blocked) */
export async function health(srv: TestServer): Promise<{ status: number; body: any }> {
  const t0 = Date.now();
  const res = await srv.api('/api/health', { token: null });
  assert.ok(Date.now() - t0 < 1000, `health answered in ${Date.now() - t0} ms`);
  return res;
}

/** waits until the server reports its storage healthy again */
export async function recovered(srv: TestServer): Promise<void> {
  await waitFor(() => health(srv), (r) => r.status === 200, 15_000, 'health back to ok');
}

/** the node's status as GET /api/flows/:id/status shows it */
export async function nodeStatus(srv: TestServer, flowId: string, nodeId: string): Promise<Record<string, unknown> | undefined> {
  return (await srv.api(`/api/flows/${flowId}/status`)).body?.nodes?.[nodeId];
}
