// The flow editor's toolbar against a real Tributary server: build a flow on the canvas, save it
// (refused saves pin the server's complaints on the nodes), start it, run it, and watch the
// live trace paint the canvas, as the editor's socket does.
import { historyEntries, openTab } from '../testing/browser.test-support.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import type { RunRecord } from '../../../core/flow-types.ts';
import { authApi, flowsApi } from '../api/endpoints.ts';
import type { StatusEvent, StepEvent } from '../api/types.ts';
import { startTestServer, waitFor, type TestServer } from '../testing/server.test-support.ts';
import { useAuth } from '../stores/auth-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useLive } from '../stores/live-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { useRoute } from '../stores/router-store.ts';
import { useToasts } from '../stores/toast-store.ts';
import { saveFlow, startFlow, stopFlow, triggerFlow } from './use-flow-actions.ts';

let s: TestServer;
let socket: Socket | undefined;
const flow = () => useFlow.getState();
/** the messages the user was shown; recorded, not timed (the real ones would keep this process alive 9 s) */
const shown: string[] = [];
useToasts.setState({ push: (kind, text) => void shown.push(`${kind}: ${text}`) });
const lastToast = (): string => shown.at(-1) ?? '';

before(async () => {
  s = await startTestServer();
  openTab(`${s.url}/flows/new`);
  useRoute.getState().sync();
  const reply = await authApi.login('admin', s.adminPassword);
  useAuth.getState().setSession(reply.token, reply.user);
  await useNodeTypes.getState().load();
});

after(async () => {
  socket?.close();
  await s.destroy();
});

/** what the editor's live-trace hook does for the open flow: subscribe, events into the live store */
async function follow(flowId: string): Promise<void> {
  useLive.getState().reset(flowId);
  const live = useLive.getState();
  socket = io(s.url, { auth: { token: useAuth.getState().token }, transports: ['websocket'], reconnection: false });
  socket.on('run:start', (run: RunRecord) => live.runStart(run));
  socket.on('run:end', (run: RunRecord) => live.runEnd(run));
  socket.on('node:start', (ev: StepEvent) => live.nodeStart(ev));
  socket.on('node:end', (ev: StepEvent) => live.nodeEnd(ev));
  socket.on('node:status', (ev: StatusEvent) => live.nodeStatus(ev));
  await new Promise<void>((resolve, reject) => {
    socket?.on('connect', resolve);
    socket?.on('connect_error', reject);
  });
  const ack = (await socket.emitWithAck('subscribe', { flowId })) as { ok: boolean };
  assert.equal(ack.ok, true);
  live.setConnected(true);
}

let inject = '';
let script = '';
let log = '';
let timer = '';

test('a flow built on the canvas saves as version 1 and the address becomes the flow\'s', async () => {
  flow().startNew();
  flow().setMeta({ name: `Editor test ${process.pid}` });
  inject = flow().addNode('inject', { x: 0, y: 0 });
  flow().updateNode(inject, { params: { payload: { n: 1 } } });
  script = flow().addNode('script', { x: 250, y: 0 });
  flow().updateNode(script, { params: { code: 'if (msg.payload.fail) throw new Error("boom " + msg.payload.n);\nreturn msg;' } });
  log = flow().addNode('log', { x: 500, y: 0 });
  flow().connect({ source: inject, target: script, sourceHandle: 'out', targetHandle: 'in' });
  flow().connect({ source: script, target: log, sourceHandle: 'out', targetHandle: 'in' });
  assert.equal(flow().dirty, true);

  assert.equal(await saveFlow(), true);
  assert.equal(lastToast(), 'ok: Saved — version 1');
  assert.equal(flow().dirty, false);
  assert.equal(flow().version, 1);
  const id = flow().flowId;
  assert.ok(id);
  assert.deepEqual(historyEntries(), [`/flows/${id}`], 'the new flow\'s address replaces /flows/new');
  // what the server stored is what the canvas shows
  const stored = await flowsApi.get(id);
  assert.deepEqual(stored.nodes.map((n) => [n.id, n.type]), [[inject, 'inject'], [script, 'script'], [log, 'log']]);
  assert.deepEqual(stored.edges.map((e) => `${e.source}:${e.sourcePort}->${e.target}:${e.targetPort}`), [`${inject}:out->${script}:in`, `${script}:out->${log}:in`]);
});

test('a refused save names the node and field, pins the complaint on the node, and stores nothing', async () => {
  timer = flow().addNode('timer', { x: 0, y: 200 });
  flow().updateNode(timer, { params: { unit: 'second', interval: 0 } });
  assert.equal(await saveFlow(), false);
  assert.match(lastToast(), new RegExp(`^error: Not saved: Timer ${timer} · interval: `));
  assert.deepEqual(flow().issues.nodes[timer]?.map((i) => i.path), ['params.interval']);
  assert.equal(flow().dirty, true);
  assert.equal((await flowsApi.get(flow().flowId!)).version, 1);

  flow().updateNode(timer, { params: { unit: 'second', interval: 30 } });
  assert.equal(flow().issues.nodes[timer], undefined, 'fixing the field clears its complaint');
  flow().removeNode(timer);
  assert.equal(await saveFlow(), true);
  assert.equal(flow().version, 2);
});

test('a flow without a name is not sent', async () => {
  const before = flow().version;
  flow().setMeta({ name: '  ' });
  assert.equal(await saveFlow(), false);
  assert.equal(lastToast(), 'error: Give the flow a name before saving.');
  assert.equal((await flowsApi.get(flow().flowId!)).version, before);
  flow().setMeta({ name: `Editor test ${process.pid}` });
});

test('Start saves pending changes first, then runs the new version', async () => {
  assert.equal(flow().dirty, true);
  await startFlow();
  assert.equal(flow().dirty, false);
  assert.equal(flow().state, 'running');
  assert.equal(lastToast(), `ok: Started version ${flow().version}`);
});

test('a run paints the canvas live: trigger fired, each node succeeded', async () => {
  await follow(flow().flowId!);
  await triggerFlow({ nodeId: inject, payload: { n: 1 } });
  assert.match(lastToast(), /^info: Triggered run r/);
  await waitFor(async () => useLive.getState().marks[log]?.state, (st) => st === 'succeeded', 10_000, 'the log node to succeed');
  const marks = useLive.getState().marks;
  assert.deepEqual([marks[inject]?.state, marks[script]?.state, marks[log]?.state], ['succeeded', 'succeeded', 'succeeded']);
});

test('a failing node shows failed with its error; the nodes after it do not run', async () => {
  await triggerFlow({ nodeId: inject, payload: { n: 7, fail: true } });
  await waitFor(async () => useLive.getState().marks[script]?.state, (st) => st === 'failed', 10_000, 'the script to fail');
  const marks = useLive.getState().marks;
  assert.match(marks[script]?.error ?? '', /boom 7/);
  assert.equal(marks[inject]?.state, 'succeeded');
  assert.equal(marks[log], undefined, 'the new run repainted the canvas: the log node has not run');
});

test('saving the running flow puts the new version into effect, and the store knows which version runs', async () => {
  assert.equal(flow().runningVersion, flow().version);
  flow().updateNode(log, { params: { message: 'after the save ${payload.n}' } });
  assert.equal(await saveFlow(), true);
  const version = flow().version!;
  assert.equal(lastToast(), `ok: Saved — version ${version} is running`);
  assert.equal(flow().runningVersion, version);
  assert.equal(flow().replacement, undefined);
  await triggerFlow({ nodeId: inject, payload: { n: 9 } });
  const runs = await waitFor(async () => (await fetch(`${s.url}/api/runs?flowId=${flow().flowId}&limit=1`, { headers: { authorization: `Bearer ${useAuth.getState().token}` } }).then((r) => r.json())) as RunRecord[], (r) => r[0]?.status === 'succeeded', 10_000, 'the run');
  assert.equal(runs[0]?.flowVersion, version, 'the next run ran the saved version');
});

test('Stop stops the flow', async () => {
  await stopFlow();
  assert.equal(flow().state, 'stopped');
  assert.equal(flow().runningVersion, undefined);
  assert.equal(lastToast(), 'ok: Stopped');
  assert.equal((await flowsApi.get(flow().flowId!)).state, 'stopped');
});
