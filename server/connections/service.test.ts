import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../store/store.ts';
import { ConflictError, NotFoundError, ValidationError } from '../store/errors.ts';
import { createSecretBox } from '../secrets/cipher.ts';
import type { ConnectionProfileResolved, ConnectionDriver } from './driver-api.ts';
import { ConnectionService } from './service.ts';

let dir: string;
let store: Store;
let svc: ConnectionService;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tributary-conn-'));
  store = openStore({ dataDir: dir });
  svc = new ConnectionService(store, createSecretBox(randomBytes(32)));
});
after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function issuesOf(fn: () => unknown): Array<[string, string]> {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.details.map((d) => [d.path, d.message]);
    throw err;
  }
  assert.fail('expected a ValidationError');
}

describe('connection CRUD', () => {
  test('create applies defaults, encrypts secrets, never returns them', () => {
    const c = svc.create({
      name: 'Orders DB', type: 'mysql', environment: 'production',
      params: { host: '127.0.0.1', user: 'root', database: 'test' }, secrets: { password: 's3cr3t-pw' },
    });
    assert.match(c.id, /^c_[0-9a-f]{8}$/);
    assert.deepEqual(c.params, {
      mode: 'standard', host: '127.0.0.1', port: 3306, user: 'root', database: 'test', charset: 'utf8mb4', timeoutMs: 10000,
    });
    assert.deepEqual(c.secrets, { password: '***' });
    assert.equal(c.environment, 'production');
    const raw = store.db.prepare('SELECT * FROM connections WHERE id = ?').get(c.id);
    assert.ok(!JSON.stringify(raw).includes('s3cr3t-pw'), 'not stored in clear');
    for (const view of [svc.get(c.id), ...svc.list()]) assert.ok(!JSON.stringify(view).includes('s3cr3t-pw'));
    assert.deepEqual(svc.resolve(c.id).secrets, { password: 's3cr3t-pw' });
  });

  test('a secret sent inside params is moved to secrets', () => {
    const c = svc.create({
      name: 'Events', type: 'kafka', params: { brokers: ['127.0.0.1:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'kafka-pw' } },
    });
    assert.deepEqual(c.params['sasl'], { mechanism: 'plain', username: 'u' });
    assert.deepEqual(c.secrets, { 'sasl.password': '***' });
    assert.deepEqual(svc.resolve(c.id).secrets, { 'sasl.password': 'kafka-pw' });
    assert.equal(c.environment, 'development', 'default environment');
  });

  test('update keeps a secret sent as "***" or left out; null clears it', () => {
    const c = svc.create({ name: 'PG', type: 'postgres', params: { host: 'localhost', user: 'postgres' }, secrets: { password: 'pg-pw-1' } });
    const u1 = svc.update(c.id, { name: 'PG main', params: { host: 'localhost', user: 'postgres', port: 5433 }, secrets: { password: '***' } });
    assert.equal(u1?.name, 'PG main');
    assert.equal(u1?.params['port'], 5433);
    assert.deepEqual(u1?.secrets, { password: '***' });
    assert.equal(svc.resolve(c.id).secrets['password'], 'pg-pw-1');
    svc.update(c.id, { environment: 'test' });
    assert.equal(svc.resolve(c.id).secrets['password'], 'pg-pw-1');
    assert.equal(svc.get(c.id)?.environment, 'test');
    svc.update(c.id, { secrets: { password: 'pg-pw-2' } });
    assert.equal(svc.resolve(c.id).secrets['password'], 'pg-pw-2');
    const cleared = svc.update(c.id, { secrets: { password: null } });
    assert.deepEqual(cleared?.secrets, {});
    assert.deepEqual(svc.resolve(c.id).secrets, {});
    assert.equal(svc.update('c_missing', { name: 'x' }), undefined);
  });

  test('validation errors name the field', () => {
    assert.deepEqual(issuesOf(() => svc.create({ name: 'bad', type: 'mysql', params: { host: 'h', user: 'u', port: 70000 } })),
      [['params.port', 'must be <= 65535']]);
    assert.deepEqual(issuesOf(() => svc.create({ name: 'bad', type: 'mysql', params: { host: 'h', user: 'u', port: 'abc' } })),
      [['params.port', 'must be integer']]);
    assert.deepEqual(issuesOf(() => svc.create({ name: 'bad', type: 'postgres', params: { user: 'u', sslmode: 1 } })),
      [['params.host', 'is required'], ['params.sslmode', 'is not a known parameter']]);
    assert.deepEqual(issuesOf(() => svc.create({ name: '', type: 'redis', environment: 'prod' })).map((i) => i[0]),
      ['name', 'type', 'environment']);
    assert.deepEqual(issuesOf(() => svc.create({ name: 'k', type: 'kafka', params: { brokers: ['nohost'], sasl: { mechanism: 'md5' } } })),
      [['params.brokers[0]', 'must match pattern "^[^\\s:]+:\\d{1,5}$"'], ['params.sasl.mechanism', 'must be one of: plain, scram-sha-256, scram-sha-512']]);
    assert.deepEqual(issuesOf(() => svc.create({ name: 'm', type: 'mqtt', params: { url: 'http://x' }, secrets: { token: 'x' } })),
      [['params.url', 'must match pattern "^(mqtts?|wss?)://.+"'], ['secrets.token', 'is not a secret of mqtt connections (password, key)']]);
    assert.deepEqual(issuesOf(() => svc.create({ name: 'pro', type: 'mysql', params: { mode: 'professional' } })),
      [['secrets.connectionString', 'is required']]);
    const pro = svc.create({ name: 'pro', type: 'oracle', params: { mode: 'professional' }, secrets: { connectString: 'db:1521/XE' } });
    assert.deepEqual(pro.secrets, { connectString: '***' });
    assert.throws(() => svc.create({ name: 'x', type: 'http', params: { baseUrl: 'ftp://x' } }), /params\.baseUrl/);
    assert.throws(() => svc.create('nope'), ValidationError);
  });

  test('form strings are coerced; names are unique', () => {
    const c = svc.create({ name: 'Coerced', type: 'mysql', params: { host: 'h', user: 'u', port: '3307', timeoutMs: '5000' } });
    assert.equal(c.params['port'], 3307);
    assert.equal(c.params['timeoutMs'], 5000);
    assert.throws(() => svc.create({ name: 'Coerced', type: 'http', params: { baseUrl: 'http://x' } }), ConflictError);
  });

  test('list filters by environment and type; delete', () => {
    const api = svc.create({ name: 'API', type: 'http', environment: 'test', params: { baseUrl: 'https://api.example.com', auth: 'bearer' }, secrets: { secret: 'bearer-tok' } });
    assert.deepEqual(svc.list({ type: 'http', environment: 'test' }).map((c) => c.name), ['API']);
    assert.ok(svc.list({ environment: 'production' }).every((c) => c.environment === 'production'));
    assert.ok(svc.list({ type: 'mysql' }).length >= 2);
    assert.ok(svc.secretValues().includes('bearer-tok'));
    assert.equal(svc.delete(api.id), true);
    assert.equal(svc.get(api.id), undefined);
    assert.ok(!svc.secretValues().includes('bearer-tok'), 'secret cache follows changes');
    assert.throws(() => svc.resolve(api.id), NotFoundError);
    assert.equal(svc.delete(api.id), false);
  });

  test('secrets encrypted under another key stay hidden and unreadable', () => {
    const other = new ConnectionService(store, createSecretBox(randomBytes(32)));
    const c = other.create({ name: 'Other key', type: 'postgres', params: { host: 'h', user: 'u' }, secrets: { password: 'zzz-pw' } });
    const seen = svc.get(c.id);
    assert.equal(seen?.secretsUnreadable, true);
    assert.deepEqual(seen?.secrets, {});
    assert.ok(!svc.secretValues().includes('zzz-pw'));
  });
});

describe('connection test', () => {
  const calls: Array<{ profile: ConnectionProfileResolved; timeoutMs: number }> = [];
  const driver = (behaviour: (p: ConnectionProfileResolved) => Promise<void>): ConnectionDriver => ({
    type: 'postgres',
    open: async () => ({}),
    close: async () => {},
    test: async (profile, timeoutMs) => {
      calls.push({ profile, timeoutMs });
      await behaviour(profile);
    },
  });

  test('ok, driver error, unknown driver, invalid unsaved profile', async () => {
    const c = svc.create({ name: 'T1', type: 'postgres', params: { host: 'h', user: 'u', timeoutMs: 2000 }, secrets: { password: 'tpw' } });
    const ok = new Map([['postgres', driver(async () => {})]]);
    assert.deepEqual(await svc.test(c.id, ok), { ok: true });
    assert.equal(calls.at(-1)?.timeoutMs, 2000);
    assert.equal(calls.at(-1)?.profile.secrets['password'], 'tpw');

    const failing = new Map([['postgres', driver(async (p) => {
      throw new Error(`password authentication failed for user "${String(p.params['user'])}"`);
    })]]);
    assert.deepEqual(await svc.test(c.id, failing), { ok: false, error: 'password authentication failed for user "u"' });
    assert.deepEqual(await svc.test(c.id, new Map()), { ok: false, error: 'no driver for connection type "postgres"' });
    assert.deepEqual(await svc.test('c_nothere', ok), { ok: false, error: 'connection "c_nothere" not found' });

    const bad = await svc.test({ name: 'x', type: 'postgres', params: { port: 0 } }, ok);
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /params\.host is required.*params\.port must be >= 1/);
  });

  test('an unsaved edit of a saved profile uses the stored secret for "***"', async () => {
    const c = svc.create({ name: 'T2', type: 'postgres', params: { host: 'h', user: 'u' }, secrets: { password: 'stored-pw' } });
    const ok = new Map([['postgres', driver(async () => {})]]);
    assert.deepEqual(await svc.test({ id: c.id, name: 'T2', type: 'postgres', params: { host: 'h2', user: 'u' }, secrets: { password: '***' } }, ok), { ok: true });
    assert.equal(calls.at(-1)?.profile.secrets['password'], 'stored-pw');
    assert.equal(calls.at(-1)?.profile.params['host'], 'h2');
    assert.equal(svc.get(c.id)?.params['host'], 'h', 'nothing saved');
  });

  test('the timeout is enforced even when the driver hangs', async () => {
    const c = svc.create({ name: 'T3', type: 'postgres', params: { host: 'h', user: 'u', timeoutMs: 150 } });
    const hang = new Map([['postgres', driver(() => new Promise<void>(() => {}))]]);
    const t0 = Date.now();
    const r = await svc.test(c.id, hang);
    const took = Date.now() - t0;
    assert.deepEqual(r, { ok: false, error: 'connection test timed out after 150 ms' });
    assert.ok(took >= 140 && took < 1000, `took ${took} ms`);
  });
});
