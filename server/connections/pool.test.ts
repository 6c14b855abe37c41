/** ConnectionPool against the driver contract, with an in-test driver that records what it is asked. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../store/store.ts';
import { createSecretBox } from '../secrets/cipher.ts';
import { NodeError } from '../engine/node-api.ts';
import type { ConnectionProfileResolved, ColumnInfo, ConnectionDriver } from './driver-api.ts';
import { ConnectionService } from './service.ts';
import { ConnectionPool } from './pool.ts';

interface FakeClient { n: number; host: unknown; password: string | undefined; closed: boolean }

class RecordingDriver implements ConnectionDriver<FakeClient> {
  opened: FakeClient[] = [];
  failNextOpen = false;
  openDelayMs = 0;
  constructor(readonly type: string) {}
  async open(profile: ConnectionProfileResolved): Promise<FakeClient> {
    await new Promise((r) => setTimeout(r, this.openDelayMs));
    if (this.failNextOpen) {
      this.failNextOpen = false;
      throw new Error('ECONNREFUSED 127.0.0.1:1');
    }
    const c = { n: this.opened.length + 1, host: profile.params['host'], password: profile.secrets['password'], closed: false };
    this.opened.push(c);
    return c;
  }
  async close(client: FakeClient): Promise<void> {
    assert.equal(client.closed, false, 'closed twice');
    client.closed = true;
  }
  async test(): Promise<void> {}
  async listTables(client: FakeClient): Promise<string[]> {
    assert.equal(client.closed, false);
    return ['orders', 'customers'];
  }
  async listColumns(_client: FakeClient, table: string): Promise<ColumnInfo[]> {
    return [{ name: `${table}_id`, type: 'int', nullable: false, primaryKey: true }];
  }
}

let dir: string;
let store: Store;
let svc: ConnectionService;
let pg: RecordingDriver;
let mq: RecordingDriver;
let pool: ConnectionPool;
let pgId: string;
let mqId: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-pool-'));
  store = openStore({ dataDir: dir });
  svc = new ConnectionService(store, createSecretBox(randomBytes(32)));
  pg = new RecordingDriver('postgres');
  mq = new RecordingDriver('mqtt');
  pool = new ConnectionPool(svc, new Map<string, ConnectionDriver>([['postgres', pg], ['mqtt', mq]]));
  pgId = svc.create({ name: 'Warehouse', type: 'postgres', params: { host: 'db1', user: 'u' }, secrets: { password: 'pool-pw' } }).id;
  mqId = svc.create({ name: 'Broker', type: 'mqtt', params: { url: 'mqtt://127.0.0.1:1883' } }).id;
});
after(async () => {
  await pool.closeAll();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ConnectionPool', () => {
  test('one client per profile, shared by leases, closed after the last release', async () => {
    pg.openDelayMs = 20;
    const [a, b] = await Promise.all([pool.acquire<FakeClient>(pgId, 'postgres'), pool.acquire<FakeClient>(pgId, ['mysql', 'postgres'])]);
    pg.openDelayMs = 0;
    assert.equal(pg.opened.length, 1, 'concurrent acquires share one open');
    assert.equal(a.client, b.client);
    assert.equal(a.client.password, 'pool-pw', 'profile secrets decrypted');
    assert.equal(a.profile.name, 'Warehouse');
    const c = await pool.acquire<FakeClient>(pgId);
    assert.equal(c.client, a.client);
    assert.deepEqual(pool.stats(), [{ id: pgId, refs: 3, current: true }]);

    await a.release();
    await a.release(); // twice is harmless
    await b.release();
    assert.equal(c.client.closed, false);
    await c.release();
    assert.equal(c.client.closed, true);
    assert.deepEqual(pool.stats(), []);

    const d = await pool.acquire<FakeClient>(pgId);
    assert.equal(d.client.n, 2, 'reopened after close');
    await d.release();
  });

  test('a wrong type names the connection and both types', async () => {
    await assert.rejects(pool.acquire(mqId, 'kafka'), (err: unknown) => {
      assert.ok(err instanceof NodeError);
      assert.equal(err.message, `connection "Broker" (${mqId}) has type "mqtt", but "kafka" is needed`);
      assert.equal(err.retryable, false);
      return true;
    });
    await assert.rejects(pool.acquire(pgId, ['mysql', 'oracle']), /has type "postgres", but one of "mysql", "oracle" is needed/);
    assert.equal(mq.opened.length, 0, 'nothing opened for a wrong type');
    const lease = await pool.acquire(mqId, 'mqtt');
    await assert.rejects(pool.acquire(mqId, 'kafka'), /has type "mqtt"/, 'also with a client open');
    await lease.release();
  });

  test('unknown connection, missing driver, failed open (retried next time)', async () => {
    await assert.rejects(pool.acquire('c_nope'), /connection "c_nope" not found/);
    const http = svc.create({ name: 'Web', type: 'http', params: { baseUrl: 'https://x.test' } });
    await assert.rejects(pool.acquire(http.id), /no driver for type "http"/);
    pg.failNextOpen = true;
    await assert.rejects(pool.acquire(pgId), /cannot open connection "Warehouse" .*ECONNREFUSED/);
    const ok = await pool.acquire<FakeClient>(pgId);
    assert.equal(ok.client.closed, false);
    await ok.release();
  });

  test('a changed profile gets a new client; old leases keep theirs until released', async () => {
    const old = await pool.acquire<FakeClient>(pgId);
    svc.update(pgId, { params: { host: 'db2', user: 'u' } });
    const fresh = await pool.acquire<FakeClient>(pgId);
    assert.notEqual(fresh.client, old.client);
    assert.equal(fresh.client.host, 'db2');
    assert.equal(fresh.client.password, 'pool-pw');
    assert.equal(old.client.closed, false);
    await old.release();
    assert.equal(old.client.closed, true);
    assert.equal(fresh.client.closed, false);
    await fresh.release();
    assert.equal(fresh.client.closed, true);
  });

  test('tables and columns delegate to the driver and release the client', async () => {
    assert.deepEqual(await pool.tables(pgId), ['orders', 'customers']);
    assert.deepEqual(await pool.columns(pgId, 'orders'), [{ name: 'orders_id', type: 'int', nullable: false, primaryKey: true }]);
    assert.deepEqual(pool.stats(), []);
    const noTables: ConnectionDriver = { type: 'mqtt', open: async () => ({}), close: async () => {}, test: async () => {} };
    const p2 = new ConnectionPool(svc, new Map([['mqtt', noTables]]));
    await assert.rejects(p2.tables(mqId), /mqtt connections have no tables/);
    await p2.closeAll();
  });

  test('secretValues lists decrypted secrets for masking', () => {
    assert.ok(pool.secretValues().includes('pool-pw'));
  });

  test('closeAll closes clients still leased', async () => {
    const p3 = new ConnectionPool(svc, new Map<string, ConnectionDriver>([['postgres', pg]]));
    const lease = await p3.acquire<FakeClient>(pgId);
    await p3.closeAll();
    assert.equal(lease.client.closed, true);
    await lease.release(); // after closeAll: no second close
  });
});
