/**
 * The data API template's list endpoint pages, through a real server on real PostgreSQL and
 * MariaDB tables: page/pageSize within bounds, total and next in the answer, every row exactly
 * once across the pages, and a bad page or pageSize answered 400 naming the parameter (no run).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startTestServer, type TestServer } from '../../server/server.test-support.ts';

const SUFFIX = `${process.pid}_${randomBytes(3).toString('hex')}`;
const TABLE = `dataapi_page_${SUFFIX}`;
const ROWS = 45;

let s: TestServer;
let my: mysql.Pool;
let pgPool: pg.Pool;
const conn: Record<string, string> = {};

before(async () => {
  s = await startTestServer();
  my = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', connectionLimit: 2 });
  pgPool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 2 });
  const ddl = `CREATE TABLE ${TABLE} (id INT PRIMARY KEY, zone VARCHAR(10) NOT NULL)`;
  // ids inserted out of order: the pages follow orderBy, not the insert order
  const values = Array.from({ length: ROWS }, (_, i) => `(${((i * 7) % ROWS) + 1}, '${i % 3 === 0 ? 'north' : 'south'}')`).join(', ');
  for (const run of [(q: string) => my.query(q), (q: string) => pgPool.query(q)]) {
    await run(ddl);
    await run(`INSERT INTO ${TABLE} (id, zone) VALUES ${values}`);
  }
  for (const [type, port, user] of [['mysql', 3306, 'root'], ['postgres', 5432, 'postgres']] as const) {
    const r = await s.api('/api/connections', { body: { name: `${type}_${SUFFIX}`, type, environment: 'test', params: { host: '127.0.0.1', port, database: 'test', user }, secrets: {} } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    conn[type] = r.body.id as string;
  }
});

after(async () => {
  await my.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await pgPool.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
  await my.end();
  await pgPool.end();
  await s.destroy();
});

interface Page { default: { id: number; zone: string }[]; page: number; pageSize: number; total: number | null; next: number | null }

async function get(path: string, query: string): Promise<{ status: number; body: Page & { error?: string; code?: string; details?: { path: string }[] } }> {
  const res = await fetch(`${s.url}/hooks/${path}${query}`);
  return { status: res.status, body: (await res.json()) as Page & { error?: string; code?: string } };
}

async function api(type: string, params: Record<string, unknown>): Promise<{ id: string; path: string }> {
  const path = `page-${type}-${randomBytes(4).toString('hex')}`;
  const created = await s.api('/api/templates/db-as-http-api/instantiate', {
    body: { name: `paged ${path}`, params: { source: conn[type], sourceTable: TABLE, fields: ['id', 'zone'], orderBy: ['id'], path, limit: 20, ...params } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await s.api(`/api/flows/${created.body.id}/start`, { method: 'POST' });
  assert.equal(started.body.state, 'running', JSON.stringify(started.body));
  return { id: created.body.id as string, path };
}

for (const type of ['postgres', 'mysql'] as const) {
  test(`${type}: pages of 20 by default — every row once, total 45, next 2, 3, then null`, async () => {
    const a = await api(type, {});
    try {
      const seen: number[] = [];
      let page: number | null = 1;
      const nexts: (number | null)[] = [];
      while (page !== null) {
        const r = await get(a.path, page === 1 ? '' : `?page=${page}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.page, page);
        assert.equal(r.body.pageSize, 20);
        assert.equal(r.body.total, ROWS, 'total is a number');
        seen.push(...r.body.default.map((row) => row.id));
        nexts.push(r.body.next);
        page = r.body.next;
      }
      assert.deepEqual(nexts, [2, 3, null]);
      assert.deepEqual(seen, Array.from({ length: ROWS }, (_, i) => i + 1), 'every row once, in order');

      const small = await get(a.path, '?page=4&pageSize=7');
      assert.deepEqual(small.body.default.map((r) => r.id), [22, 23, 24, 25, 26, 27, 28]);
      assert.equal(small.body.next, 5);
      const past = await get(a.path, '?page=99&pageSize=20');
      assert.equal(past.status, 200);
      assert.deepEqual(past.body.default, []);
      assert.equal(past.body.next, null);
      assert.equal(past.body.total, ROWS);
    } finally {
      await s.api(`/api/flows/${a.id}/stop`, { method: 'POST' });
    }
  });

  test(`${type}: a filter pages within its rows; without the count, total is null and next still right`, async () => {
    const a = await api(type, { where: 'zone = :zone', queryParams: ['zone'], countTotal: false });
    try {
      const north = Array.from({ length: ROWS }, (_, i) => i).filter((i) => i % 3 === 0).map((i) => ((i * 7) % ROWS) + 1).sort((x, y) => x - y);
      const first = await get(a.path, '?zone=north&pageSize=10');
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.total, null);
      assert.equal(first.body.next, 2);
      const second = await get(a.path, '?zone=north&pageSize=10&page=2');
      assert.equal(second.body.next, null, '15 rows: the second page of 10 is the last');
      assert.deepEqual([...first.body.default, ...second.body.default].map((r) => r.id), north);
    } finally {
      await s.api(`/api/flows/${a.id}/stop`, { method: 'POST' });
    }
  });

  test(`${type}: bad page or pageSize → 400 INVALID_QUERY naming the parameter, and no run starts`, async () => {
    const a = await api(type, {});
    try {
      const listed = await s.api(`/api/runs?flowId=${a.id}`);
      assert.equal(listed.status, 200);
      const before = listed.body;
      const cases: [string, string, RegExp][] = [
        ['?page=0', 'query.page', /^query parameter page must be at least 1, got 0$/],
        ['?page=-2', 'query.page', /must be at least 1/],
        ['?page=abc', 'query.page', /^query parameter page must be an integer, got "abc"$/],
        ['?page=1.5', 'query.page', /must be an integer/],
        ['?pageSize=21', 'query.pageSize', /^query parameter pageSize must be at most 20, got 21$/],
        ['?pageSize=0', 'query.pageSize', /must be at least 1/],
        ['?pageSize=1e3', 'query.pageSize', /must be an integer/],
        ['?page=1&page=2', 'query.page', /must be given once/],
        ['?page=99999999999999999', 'query.page', /must be an integer|too large|at most/],
      ];
      for (const [query, field, message] of cases) {
        const r = await get(a.path, query);
        assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, 'INVALID_QUERY');
        assert.match(r.body.error!, message, query);
        assert.equal(r.body.details![0]!.path, field, query);
      }
      const after = (await s.api(`/api/runs?flowId=${a.id}`)).body;
      assert.deepEqual(after, before, 'a refused request starts no run');
    } finally {
      await s.api(`/api/flows/${a.id}/stop`, { method: 'POST' });
    }
  });
}

test('postgres: a page statement is kept prepared, and a table altered under it is prepared again (no 0A000 for callers)', async () => {
  const table = `${TABLE}_alter`;
  await pgPool.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, zone TEXT NOT NULL)`);
  await pgPool.query(`INSERT INTO ${table} VALUES (1, 'north'), (2, 'south')`);
  const path = `page-alter-${randomBytes(4).toString('hex')}`;
  const created = await s.api('/api/templates/db-as-http-api/instantiate', {
    body: { name: `alter ${path}`, params: { source: conn['postgres'], sourceTable: table, orderBy: ['id'], path, limit: 5 } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await s.api(`/api/flows/${created.body.id}/start`, { method: 'POST' });
  try {
    // every pooled connection has it prepared after a few rounds in parallel
    for (let i = 0; i < 3; i++) {
      const all = await Promise.all(Array.from({ length: 12 }, () => get(path, '')));
      for (const r of all) assert.deepEqual(r.body.default, [{ id: 1, zone: 'north' }, { id: 2, zone: 'south' }]);
    }
    const kept = await pgPool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tributary' AND query LIKE '%${table}%'`);
    assert.ok(kept.rows[0].n >= 1, 'the server ran it');
    await pgPool.query(`ALTER TABLE ${table} ADD COLUMN qty INT NOT NULL DEFAULT 7`);
    const after = await Promise.all(Array.from({ length: 12 }, () => get(path, '')));
    for (const r of after) {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.default, [{ id: 1, zone: 'north', qty: 7 }, { id: 2, zone: 'south', qty: 7 }]);
    }
  } finally {
    await s.api(`/api/flows/${created.body.id}/stop`, { method: 'POST' });
    await pgPool.query(`DROP TABLE IF EXISTS ${table}`);
  }
});
