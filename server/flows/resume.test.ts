/**
 * A flow that was running resumes at boot; when its broker is down it is retried with backoff
 * until the broker is back. The broker is the real Mosquitto on 1883, reached through a TCP
 * forwarder the test opens and closes to play "broker down".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { closedPort } from '../../connectors/http/http.test-support.ts';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';

const MOSQUITTO = { host: '127.0.0.1', port: 1883 };

/** forwards a local port to Mosquitto while open */
class Forwarder {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  static async onFreePort(): Promise<Forwarder> {
    return new Forwarder(await closedPort());
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(MOSQUITTO.port, MOSQUITTO.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.server = server;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}

async function publish(topic: string, payload: string): Promise<void> {
  const client = await mqtt.connectAsync(`mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`);
  try {
    await client.publishAsync(topic, payload, { qos: 1 });
  } finally {
    await client.endAsync();
  }
}

type FlowView = { state: string; stateError?: string; autostart: boolean };
const flowOf = async (s: TestServer, id: string): Promise<FlowView> => (await s.api(`/api/flows/${id}`)).body as FlowView;

test('a running flow whose broker is down at boot is retried until the broker is back; stop ends the retries', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-resume-'));
  const broker = await Forwarder.onFreePort();
  const topic = `tributary/resume/${process.pid}/${Date.now()}`;
  const resumeRetry = { firstMs: 200, maxMs: 800 };
  let s: TestServer | undefined;
  try {
    await broker.open();
    s = await startTestServer({ dataDir, resumeRetry });
    const conn = await s.api('/api/connections', { body: { name: 'resume broker', type: 'mqtt', params: { url: `mqtt://127.0.0.1:${broker.port}`, timeoutMs: 1000 } } });
    assert.equal(conn.status, 201, JSON.stringify(conn.body));
    const created = await s.api('/api/flows', {
      body: {
        name: 'resume me',
        nodes: [
          { id: 'in', type: 'mqtt-in', params: { connection: conn.body.id, topic, qos: 1, format: 'text' } },
          { id: 'seen', type: 'set', params: { fields: { 'payload': 'got ${payload}' } } },
        ],
        edges: [{ source: 'in', target: 'seen' }],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    assert.equal((await s.api(`/api/flows/${id}/start`, { method: 'POST' })).status, 200);
    assert.equal((await flowOf(s, id)).autostart, true);
    await s.close();

    // broker down while the server boots: the flow is in error, says why and when it retries
    await broker.close();
    s = await startTestServer({ dataDir, resumeRetry });
    const down = await waitFor(() => flowOf(s!, id), (f) => f.state === 'error' && /attempt [2-9]/.test(f.stateError ?? ''), 10_000, 'a second failed attempt');
    assert.match(down.stateError ?? '', /could not resume it; attempt \d+, next in \d+ ms/);
    assert.equal(down.autostart, true, 'still meant to run');

    // broker back: the next attempt starts it, and it consumes
    await broker.open();
    const up = await waitFor(() => flowOf(s!, id), (f) => f.state === 'running', 10_000, 'the flow to resume');
    assert.equal(up.stateError, undefined);
    await publish(topic, 'hello again');
    const runs = await waitFor(async () => (await s!.api(`/api/runs?flowId=${id}&status=succeeded`)).body as { id: string }[], (r) => r.length > 0, 10_000, 'a run');
    const run = (await s.api(`/api/runs/${runs[0]!.id}`)).body as { steps: { nodeId: string; output: { payload: unknown } }[] };
    assert.equal(run.steps.find((st) => st.nodeId === 'seen')?.output.payload, 'got hello again');
    await s.close();

    // down again, and the user stops it during the retries: no attempt starts it afterwards
    await broker.close();
    s = await startTestServer({ dataDir, resumeRetry });
    await waitFor(() => flowOf(s!, id), (f) => f.state === 'error', 10_000, 'the failed resume');
    const stopped = await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
    assert.equal(stopped.status, 200);
    await broker.open();
    await new Promise((r) => setTimeout(r, 3 * resumeRetry.maxMs));
    const after = await flowOf(s, id);
    assert.equal(after.state, 'stopped');
    assert.equal(after.autostart, false);
    assert.equal(s.engine.isRunning(id), false);
    await s.close();

    // and a stopped flow stays stopped at the next boot
    s = await startTestServer({ dataDir, resumeRetry });
    assert.equal((await flowOf(s, id)).state, 'stopped');
    assert.equal(s.engine.isRunning(id), false);
  } finally {
    await s?.close();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
