import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

function open(token: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(s.url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
    socket.on('connect', () => resolve(socket));
    socket.on('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

test('socket.io refuses a connection without a valid token', async () => {
  await assert.rejects(open(undefined), /authentication required/);
  await assert.rejects(open('forged'), /authentication required/);
});

test('subscribers get run:start, node:start, node:end, run:end with the trace shapes', async () => {
  const flow = (await s.api('/api/flows', {
    body: {
      name: 'live',
      nodes: [
        { id: 'in', type: 'inject', params: { payload: { n: 2 } } },
        { id: 'dbl', type: 'set', params: { fields: { 'payload.n2': '${in|payload.n}' } } },
      ],
      edges: [{ source: 'in', target: 'dbl' }],
    },
  })).body;
  await s.api(`/api/flows/${flow.id}/start`, { method: 'POST' });
  const socket = await open(s.adminToken);
  const events: { event: string; data: any }[] = [];
  socket.onAny((event: string, data: unknown) => events.push({ event, data }));
  const ack = await socket.emitWithAck('subscribe', { flowId: flow.id });
  assert.deepEqual(ack, { ok: true });
  const bad = await socket.emitWithAck('subscribe', { flowId: 'f_nope' });
  assert.equal(bad.ok, false);
  const { runId } = (await s.api(`/api/flows/${flow.id}/trigger`, { body: {} })).body;
  await waitFor(async () => events.map((e) => e.event), (names) => names.includes('run:end'), 5000, 'run:end');
  socket.close();
  const names = events.map((e) => e.event);
  assert.deepEqual(names, ['run:start', 'node:start', 'node:end', 'run:end']);
  assert.equal(events[0]!.data.id, runId);
  assert.equal(events[0]!.data.status, 'running');
  const end = events.find((e) => e.event === 'node:end')!.data;
  assert.equal(end.runId, runId);
  assert.equal(end.nodeId, 'dbl');
  assert.equal(end.status, 'succeeded');
  assert.deepEqual(end.output.payload, { n: 2, n2: 2 });
  assert.equal(events[3]!.data.status, 'succeeded');
  await s.api(`/api/flows/${flow.id}/stop`, { method: 'POST' });
});
