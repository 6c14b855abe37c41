/**
 * Issue 8, item 6: kill -9 mid-stream on Kafka loses nothing. The real server process runs the
 * kafka-to-db template (batched, partitions at once, plain insert) over a 20,000-record backlog
 * in 4 partitions; it is SIGKILLed while rows are arriving and started again on the same data
 * dir (the flow resumes). Every record's id must be in the table (duplicates are allowed: at
 * least once), and the group must be committed to the end of every partition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import pg from 'pg';
import { waitFor } from '../../server/server.test-support.ts';
import { BROKERS, committed, createTopic, testAdmin, testProducer, uniqueName } from '../../connectors/kafka/kafka.test-support.ts';

const root = new URL('../..', import.meta.url).pathname;
const PASSWORD = 'kill-restart-pass-1';
const COUNT = 20_000;
const PARTITIONS = 4;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}


test('kafka-to-db: SIGKILL mid-stream, restart on the same data dir: every record is in the table, offsets committed to the end', { timeout: 180_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-kkill-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const table = `kkill${uniqueName('').replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
  const topic = uniqueName('kkill');
  const groupId = uniqueName('g');
  const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await db.connect();
  const admin = testAdmin();
  const producer = testProducer();
  await Promise.all([admin.connect(), producer.connect()]);
  let proc: ChildProcess | undefined;
  let stderr = '';
  let token = '';
  const start = (): ChildProcess => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'server/main.ts', '--port', String(port), '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, TRIBUTARY_ADMIN_PASSWORD: PASSWORD, TRIBUTARY_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    return child;
  };
  const api = async (path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(base + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const up = async (): Promise<void> => {
    token = '';
    await waitFor(() => api('/api/health').then((r) => r.status, () => 0), (s) => s === 200, 30_000, `server up (stderr: ${stderr})`);
    token = (await api('/api/auth/login', { username: 'admin', password: PASSWORD })).body.token as string;
  };
  const rows = async (): Promise<number> => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  try {
    await db.query(`CREATE TABLE ${table} (id integer NOT NULL, amount integer NOT NULL, note text)`);
    await createTopic(admin, topic, PARTITIONS);
    for (let i = 0; i < COUNT; i += 5000) {
      await producer.send({ topic, messages: Array.from({ length: 5000 }, (_, k) => ({ key: String(i + k), value: JSON.stringify({ id: i + k, amount: k, note: `r${i + k}` }) })) });
    }
    proc = start();
    await up();
    const kafka = await api('/api/connections', { name: 'Kafka_test', type: 'kafka', environment: 'test', params: { brokers: BROKERS }, secrets: {} });
    const target = await api('/api/connections', { name: 'PG_test', type: 'postgres', environment: 'test', params: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' }, secrets: {} });
    const created = await api('/api/templates/kafka-to-db/instantiate', {
      name: 'kill me',
      // small writes so the kill lands mid-stream on a busy machine too
      params: { kafka: kafka.body.id, target: target.body.id, topic, groupId, targetTable: table, fromBeginning: true, writeMode: 'insert', recordsPerRun: 100 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await api(`/api/flows/${created.body.id}/start`, {})).status, 200);
    const before = await waitFor(rows, (n) => n >= 2000, 60_000, 'rows arriving');
    proc.kill('SIGKILL');
    await new Promise((r) => proc!.once('exit', r));
    const atKill = await rows();
    assert.ok(atKill < COUNT, `killed mid-stream (${atKill} of ${COUNT} rows, ${before} seen before the kill)`);

    proc = start();
    await up();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    await waitFor(() => committed(admin, groupId, topic), (c) => [...ends].every(([p, high]) => c.get(p) === high), 90_000, 'commits at the end of every partition');
    const { rows: [r] } = await db.query<{ distinct: string; total: string; min: number; max: number }>(`SELECT count(DISTINCT id) AS distinct, count(*) AS total, min(id) AS min, max(id) AS max FROM ${table}`);
    assert.equal(Number(r!.distinct), COUNT, `every record written (${r!.total} rows with redeliveries)`);
    assert.deepEqual([r!.min, r!.max], [0, COUNT - 1]);
  } finally {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 3000));
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }
    await db.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await Promise.all([admin.disconnect(), producer.disconnect(), db.end()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
