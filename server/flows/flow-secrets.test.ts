/**
 * Credentials typed into flow nodes, through a real server over HTTP on a temp SQLite store:
 * sealed at rest (the clear value is nowhere in the database file), `"***"` to every role on
 * every read, write-only on PUT, left out of exports, given to the engine (hook auth works
 * after a save and after a restart), and masked by value in traces, live events and the log.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';
import { createLogger } from '../log.ts';
import { openStore, DB_FILE } from '../store/store.ts';

const logLines: string[] = [];
let dataDir: string;
let s: TestServer;
let editorToken = '';
let viewerToken = '';
let echo: Server;
let echoUrl = '';

const secret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`;
const uniquePath = (label: string): string => `sec-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;

async function serve(): Promise<TestServer> {
  return startTestServer({ dataDir, log: createLogger({ level: 'info', write: (line) => logLines.push(line) }) });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tributary-flow-secrets-'));
  s = await serve();
  for (const [username, role] of [['eddie', 'editor'], ['vera', 'viewer']] as const) {
    assert.equal((await s.api('/api/users', { body: { username, password: `${username === "eddie" ? "lantern-grove-77" : "copper-meadow-58"}`, role } })).status, 201);
  }
  editorToken = (await s.api('/api/auth/login', { body: { username: 'eddie', password: 'lantern-grove-77' }, token: null })).body.token;
  viewerToken = (await s.api('/api/auth/login', { body: { username: 'vera', password: 'copper-meadow-58' }, token: null })).body.token;
  // answers with what it received, the credentials inside an innocuous string
  echo = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ seen: `${req.headers['authorization'] ?? ''} ${req.headers['x-api-key'] ?? ''}` }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});

after(async () => {
  await s.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** http-in (bearer) → log of the headers and body → script logging the headers → http-response */
function hookFlow(path: string, token: unknown, name = 'hook'): Record<string, unknown> {
  return {
    name,
    nodes: [
      { id: 'in', type: 'http-in', params: { method: 'POST', path, auth: 'bearer', token } },
      { id: 'say', type: 'log', params: { message: 'headers ${in|req.headers} body ${payload}' } },
      { id: 'sc', type: 'script', params: { code: 'ctx.log(JSON.stringify(msg.req.headers)); ctx.log("echo", msg.req.headers["x-echo"]); return msg;' } },
      { id: 'out', type: 'http-response', params: { status: 200, body: { echoed: '${in|req.headers.x-echo}' } } },
    ],
    edges: [{ source: 'in', target: 'say' }, { source: 'say', target: 'sc' }, { source: 'sc', target: 'out' }],
  };
}

/** every byte SQLite holds: the database file and its write-ahead log */
function dbBytes(): Buffer {
  const file = join(dataDir, DB_FILE);
  return Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]);
}

function hook(path: string, token?: string, extra: Record<string, string> = {}, body: unknown = {}): Promise<Response> {
  return fetch(`${s.url}/hooks/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
    body: JSON.stringify(body),
  });
}

async function create(doc: Record<string, unknown>): Promise<string> {
  const created = await s.api('/api/flows', { body: doc });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id as string;
}

async function start(id: string): Promise<void> {
  const started = await s.api(`/api/flows/${id}/start`, { method: 'POST' });
  assert.equal(started.status, 200, JSON.stringify(started.body));
}

test('at rest: the token is sealed in flow_secrets and its clear value is nowhere in the database file', async () => {
  const token = secret('tok');
  const apiKey = secret('key');
  const id = await create({
    name: 'at rest',
    nodes: [
      { id: 'in', type: 'http-in', params: { path: uniquePath('rest'), auth: 'bearer', token } },
      { id: 'rq', type: 'http-request', params: { url: `${echoUrl}/x`, headers: { 'X-Api-Key': apiKey, 'X-Plain': 'visible' } } },
    ],
    edges: [{ source: 'in', target: 'rq' }],
  });
  // a second version, so versions are checked too
  const doc = (await s.api(`/api/flows/${id}`)).body;
  assert.equal((await s.api(`/api/flows/${id}`, { method: 'PUT', body: { ...doc, description: 'v2' } })).status, 200);
  const bytes = dbBytes();
  assert.ok(!bytes.includes(token), 'the http-in token is not in the database file');
  assert.ok(!bytes.includes(apiKey), 'the X-Api-Key header is not in the database file');
  assert.ok(bytes.includes('visible'), 'ordinary params are');
  const row = s.store.db.prepare('SELECT secrets_enc FROM flow_secrets WHERE flow_id = ?').pluck().get(id) as string;
  assert.match(row, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  for (const v of s.store.flows.versions(id)) {
    assert.equal(v.doc.nodes[0]!.params['token'], '***');
    assert.deepEqual(v.doc.nodes[1]!.params['headers'], { 'X-Api-Key': '***', 'X-Plain': 'visible' });
  }
});

test('reads: GET, list, versions, one version and export show "***" (or nothing) to admin, editor and viewer', async () => {
  const token = secret('tok');
  const id = await create(hookFlow(uniquePath('reads'), token));
  const doc = (await s.api(`/api/flows/${id}`)).body;
  await s.api(`/api/flows/${id}`, { method: 'PUT', body: { ...doc, name: 'renamed' } });
  for (const [role, as] of [['admin', s.adminToken], ['editor', editorToken], ['viewer', viewerToken]] as const) {
    const reads = [
      await s.api(`/api/flows/${id}`, { token: as }),
      await s.api('/api/flows', { token: as }),
      await s.api(`/api/flows/${id}/versions`, { token: as }),
      await s.api(`/api/flows/${id}/versions/1`, { token: as }),
      await s.api(`/api/flows/${id}/versions/2`, { token: as }),
      await s.api(`/api/flows/${id}/export`, { token: as }),
    ];
    for (const r of reads) {
      assert.equal(r.status, 200, `${role}: ${JSON.stringify(r.body)}`);
      assert.ok(!JSON.stringify(r.body).includes(token), `${role} never reads the token`);
    }
    assert.equal(reads[0]!.body.nodes[0].params.token, '***', `${role}: GET shows it is set`);
    assert.equal(reads[3]!.body.doc.nodes[0].params.token, '***', `${role}: versions show it is set`);
    const exported = reads[5]!.body;
    assert.equal('token' in exported.flow.nodes[0].params, false, `${role}: the export leaves it out`);
    assert.deepEqual(exported.secretsLeftOut, [{ nodeId: 'in', param: 'token' }]);
  }
});

test('PUT is write-only: "***" keeps the token, a new value replaces it, "" or null clears it (400 when required)', async () => {
  const path = uniquePath('put');
  const first = secret('first');
  const id = await create(hookFlow(path, first));
  await start(id);
  assert.equal((await hook(path)).status, 401);
  assert.equal((await hook(path, first)).status, 200);

  const put = async (token: unknown, as = s.adminToken) => s.api(`/api/flows/${id}`, { method: 'PUT', body: hookFlow(path, token, 'edited'), token: as });
  const kept = await put('***', editorToken);
  assert.equal(kept.status, 200, JSON.stringify(kept.body));
  assert.equal(kept.body.nodes[0].params.token, '***');
  await start(id);
  assert.equal((await hook(path, first)).status, 200, '"***" kept the stored token');

  const second = secret('second');
  assert.equal((await put(second)).status, 200);
  await start(id);
  assert.equal((await hook(path, first)).status, 401, 'the old token no longer opens the hook');
  assert.equal((await hook(path, second)).status, 200, 'the new one does');
  assert.ok(!dbBytes().includes(second));

  for (const cleared of ['', null]) {
    const refused = await put(cleared);
    assert.equal(refused.status, 400, 'a bearer hook needs a token');
    assert.equal(refused.body.details[0].path, 'nodes[0].params.token');
  }
  const open = await s.api(`/api/flows/${id}`, { method: 'PUT', body: { ...hookFlow(path, null), nodes: [{ id: 'in', type: 'http-in', params: { method: 'POST', path, auth: 'none', token: null } }, ...(hookFlow(path, null)['nodes'] as unknown[]).slice(1)] } });
  assert.equal(open.status, 200, JSON.stringify(open.body));
  assert.equal('token' in open.body.nodes[0].params, false, 'cleared');
  assert.equal(s.store.db.prepare('SELECT count(*) FROM flow_secrets WHERE flow_id = ?').pluck().get(id), 0, 'no secret row left');
  await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
});

test('adversarial: "***" never resurrects a secret it does not own (create, other node type, other flow, old version)', async () => {
  const path = uniquePath('own');
  const refused = await s.api('/api/flows', { body: hookFlow(path, '***') });
  assert.equal(refused.status, 400, 'a required secret given as "***" on create');
  assert.equal(refused.body.details[0].path, 'nodes[0].params.token');
  assert.match(refused.body.details[0].message, /"\*\*\*" keeps a stored secret/);

  const token = secret('owned');
  const id = await create(hookFlow(path, token));
  // the same node id, now an http-request to a server of the editor's choosing, asking to "keep" the token
  const steal = await s.api(`/api/flows/${id}`, {
    method: 'PUT',
    token: editorToken,
    body: { name: 'steal', nodes: [{ id: 'in', type: 'http-request', params: { url: `${echoUrl}/steal`, auth: 'bearer', token: '***' } }], edges: [] },
  });
  assert.equal(steal.status, 400, 'a node of another type does not inherit the secret');
  assert.equal(steal.body.details[0].path, 'nodes[0].params.token');

  // another flow with the same node ids cannot borrow it
  const other = await s.api('/api/flows', { body: hookFlow(uniquePath('other'), '***') });
  assert.equal(other.status, 400);

  // an old version put back after the token was cleared does not bring it back
  const v1 = (await s.api(`/api/flows/${id}/versions/1`)).body.doc;
  const doc = (await s.api(`/api/flows/${id}`)).body;
  assert.equal((await s.api(`/api/flows/${id}`, { method: 'PUT', body: { ...doc, nodes: [{ ...doc.nodes[0], params: { path, auth: 'none', token: null } }, ...doc.nodes.slice(1)] } })).status, 200);
  const restore = await s.api(`/api/flows/${id}`, { method: 'PUT', body: v1 });
  assert.equal(restore.status, 400, 'the token was cleared; "***" in the old version has nothing to keep');
  assert.ok(!JSON.stringify(s.store.flows.versions(id)).includes(token));
});

test('hook auth keeps working after a save and after a server restart (the engine gets the real token)', async () => {
  const path = uniquePath('restart');
  const token = secret('tok');
  const id = await create(hookFlow(path, token));
  await start(id);
  const doc = (await s.api(`/api/flows/${id}`)).body;
  assert.equal((await s.api(`/api/flows/${id}`, { method: 'PUT', body: { ...doc, description: 'saved again' } })).status, 200);
  await start(id);
  assert.equal((await hook(path)).status, 401);
  assert.equal((await hook(path, 'wrong-token')).status, 401);
  assert.equal((await hook(path, token)).status, 200);

  await s.close();
  s = await serve(); // same data dir: the flow resumes
  await waitFor(() => s.api(`/api/flows/${id}`), (r) => r.body.state === 'running', 10_000, 'resumed');
  assert.equal((await hook(path)).status, 401, 'after a restart: 401 without the token');
  assert.equal((await hook(path, token)).status, 200, 'after a restart: 200 with it');
  editorToken = (await s.api('/api/auth/login', { body: { username: 'eddie', password: 'lantern-grove-77' }, token: null })).body.token;
  viewerToken = (await s.api('/api/auth/login', { body: { username: 'vera', password: 'copper-meadow-58' }, token: null })).body.token;
  await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
});

test('adversarial: a caller echoing the token (header, body), a log node and a script logging headers — trace, live events and log show ***', async () => {
  const path = uniquePath('echo');
  const token = secret('tok');
  const id = await create(hookFlow(path, token));
  await start(id);
  const socket = connect(s.url, { auth: { token: viewerToken }, transports: ['websocket'], reconnection: false });
  const live: string[] = [];
  socket.onAny((event: string, data: unknown) => live.push(JSON.stringify({ event, data })));
  assert.deepEqual(await socket.emitWithAck('subscribe', { flowId: id }), { ok: true });
  logLines.length = 0;
  try {
    const res = await hook(path, token, { 'X-Echo': token, 'X-Bare': `Bearer ${token}` }, { note: `my token is ${token}` });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { echoed: token }, 'the caller gets its own answer unmasked');
    const runId = res.headers.get('x-tributary-run')!;
    const run = await waitFor(() => s.api(`/api/runs/${runId}`, { token: viewerToken }), (r) => r.status === 200 && r.body.status !== 'running', 10_000, 'run end');
    const text = JSON.stringify(run.body);
    assert.ok(!text.includes(token), `the trace never shows the token: ${text.slice(0, 400)}`);
    const steps = run.body.steps as { nodeId: string; output?: any; logs?: string[] }[];
    assert.equal(steps.find((st) => st.nodeId === 'in')!.output.req.headers['x-echo'], '***');
    assert.equal(steps.find((st) => st.nodeId === 'in')!.output.payload.note, 'my token is ***');
    const scriptLogs = steps.find((st) => st.nodeId === 'sc')!.logs!.join('\n');
    assert.match(scriptLogs, /\*\*\*/, 'the script logged the headers; the token in them is masked');
    await waitFor(async () => live.join('\n'), (t) => t.includes('run:end'), 5000, 'live run:end');
    assert.ok(!live.join('\n').includes(token), 'live events never show the token');
    const logged = logLines.join('\n');
    assert.match(logged, /headers .*\*\*\*/, 'the log node wrote the headers to the server log');
    assert.ok(!logged.includes(token), 'the server log never shows the token');
  } finally {
    socket.close();
    await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
  }
});

test('http-request: its bearer token and X-Api-Key header reach the target and are masked in the response it traced', async () => {
  const token = secret('out');
  const apiKey = secret('hdr');
  const id = await create({
    name: 'outbound',
    nodes: [
      { id: 'go', type: 'inject', params: { payload: {} } },
      { id: 'rq', type: 'http-request', params: { url: `${echoUrl}/x`, auth: 'bearer', token, headers: { 'X-Api-Key': apiKey } } },
    ],
    edges: [{ source: 'go', target: 'rq' }],
  });
  assert.equal((await s.api(`/api/flows/${id}`)).body.nodes[1].params.token, '***');
  await start(id);
  try {
    const { runId } = (await s.api(`/api/flows/${id}/trigger`, { body: {} })).body;
    const run = await waitFor(() => s.api(`/api/runs/${runId}`), (r) => r.status === 200 && r.body.status !== 'running', 10_000, 'run end');
    assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
    const out = run.body.steps.find((st: { nodeId: string }) => st.nodeId === 'rq').output;
    assert.equal(out.payload.seen, 'Bearer *** ***', 'the target got both credentials; the trace masks them by value');
    assert.ok(!JSON.stringify(run.body).includes(token) && !JSON.stringify(run.body).includes(apiKey));
  } finally {
    await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
  }
});

test('export → import: the file has no secret, the import warns that it must be re-entered, the node keeps none', async () => {
  const path = uniquePath('port');
  const token = secret('tok');
  const id = await create(hookFlow(path, token));
  const file = (await s.api(`/api/flows/${id}/export`)).body;
  assert.ok(!JSON.stringify(file).includes(token));
  await s.api(`/api/flows/${id}`, { method: 'DELETE' }); // frees the hook path for the copy

  const imported = await s.api('/api/flows/import', { body: file });
  assert.equal(imported.status, 201, JSON.stringify(imported.body));
  assert.equal(imported.body.warnings.length, 1);
  assert.match(imported.body.warnings[0], /node in: the secret "token" is not in the file.*enter it again/);
  assert.equal('token' in imported.body.nodes[0].params, false, 'the node keeps no secret');
  const started = await s.api(`/api/flows/${imported.body.id}/start`, { method: 'POST' });
  assert.equal(started.status, 409, 'it cannot start until the token is entered');
  assert.match(started.body.error, /token/);

  // a hand-edited file with "***" borrows nothing, even with the node ids of a flow that has a token
  const donor = await create(hookFlow(uniquePath('donor'), secret('donor')));
  const edited = { ...file, flow: { ...file.flow, nodes: [{ ...file.flow.nodes[0], params: { ...file.flow.nodes[0].params, token: '***' } }, ...file.flow.nodes.slice(1)] } };
  delete edited.secretsLeftOut;
  const again = await s.api('/api/flows/import', { body: edited });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.match(again.body.warnings.join('\n'), /secret "token"/);
  assert.equal('token' in again.body.nodes[0].params, false);
  assert.equal(s.store.db.prepare('SELECT count(*) FROM flow_secrets WHERE flow_id = ?').pluck().get(again.body.id), 0);
  assert.ok(donor);
});

test('a data dir from an older release (token in clear in the document and its versions) is sealed at boot', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-legacy-'));
  const token = secret('legacy');
  const path = uniquePath('legacy');
  try {
    const old = openStore({ dataDir: dir });
    const doc = hookFlow(path, token) as never;
    const { id } = old.flows.create(doc, 'admin');
    old.flows.update(id, doc, 'admin');
    old.flows.setAutostart(id, true);
    old.close();
    assert.ok(readFileSync(join(dir, DB_FILE)).includes(token) || existsSync(join(dir, `${DB_FILE}-wal`)), 'the old release wrote it in clear');

    const booted = await startTestServer({ dataDir: dir });
    try {
      const got = await booted.api(`/api/flows/${id}`);
      assert.equal(got.body.nodes[0].params.token, '***');
      for (const v of booted.store.flows.versions(id)) assert.equal(v.doc.nodes[0]!.params['token'], '***');
      const file = join(dir, DB_FILE);
      const bytes = Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]);
      assert.ok(!bytes.includes(token), 'no clear copy is left in the file, its free pages or the WAL');
      await waitFor(() => booted.api(`/api/flows/${id}`), (r) => r.body.state === 'running', 10_000, 'resumed');
      const call = (t?: string) => fetch(`${booted.url}/hooks/${path}`, { method: 'POST', headers: t ? { authorization: `Bearer ${t}` } : {} });
      assert.equal((await call()).status, 401);
      assert.equal((await call(token)).status, 200, 'the sealed token still opens the hook');
    } finally {
      await booted.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('http-in API key: sealed at rest, "***" to a viewer, left out of the export, and a hook call authenticates with it', async () => {
  const path = uniquePath('apikey');
  const key = secret('apikey');
  const id = await create({
    name: 'api key hook',
    nodes: [
      { id: 'in', type: 'http-in', params: { method: 'POST', path, auth: 'apiKey', apiKeyHeader: 'X-Hook-Key', apiKey: key } },
      { id: 'out', type: 'http-response', params: { status: 200, body: { ok: true } } },
    ],
    edges: [{ source: 'in', target: 'out' }],
  });
  assert.ok(!dbBytes().includes(key), 'the key is not in the database file');
  const asViewer = await s.api(`/api/flows/${id}`, { token: viewerToken });
  assert.equal(asViewer.status, 200);
  assert.equal(asViewer.body.nodes[0].params.apiKey, '***');
  assert.ok(!JSON.stringify(asViewer.body).includes(key));
  const exported = await s.api(`/api/flows/${id}/export`, { token: viewerToken });
  assert.equal(exported.status, 200);
  assert.ok(!JSON.stringify(exported.body).includes(key));
  assert.equal('apiKey' in exported.body.flow.nodes[0].params, false);
  assert.deepEqual(exported.body.secretsLeftOut, [{ nodeId: 'in', param: 'apiKey' }]);
  await start(id);
  try {
    assert.equal((await hook(path)).status, 401, 'no key');
    assert.equal((await hook(path, undefined, { 'x-hook-key': 'wrong' })).status, 401, 'wrong key');
    const ok = await hook(path, undefined, { 'x-hook-key': key });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { ok: true });
  } finally {
    await s.api(`/api/flows/${id}/stop`, { method: 'POST' });
  }
});
