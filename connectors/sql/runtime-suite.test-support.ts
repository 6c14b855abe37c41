/**
 * One set of behaviour tests for the SQL node runtimes, run against a real database by each
 * database's runtime.test.ts (mysql, postgres). Every table is named with the caller's prefix
 * and dropped afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Message } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import type { ConnectionDriver, ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import type { DbRow, SqlExecutor } from './executor.ts';
import { SqlNodeHarness, type RunResult } from './sql.test-support.ts';

export interface SuiteTarget {
  runtime: NodeRuntime;
  spec: NodeSpec;
  driver: ConnectionDriver<unknown>;
  profile: ConnectionProfileResolved;
  executor(client: unknown): SqlExecutor;
  /** unique per test file */
  prefix: string;
  ddl: {
    /** id, updated_at with microseconds, v */
    incremental(table: string): string;
    /** id, big, amount DECIMAL(30,10), dt, ts, d, bin, txt, flag, dbl */
    types(table: string): string;
  };
  /** a statement yielding `n` rows with column n = 1…count */
  series(count: number): string;
  /** a profile of the same server that cannot log in */
  badLogin: ConnectionProfileResolved;
  /** what the driver says about a missing table */
  missingTable: RegExp;
}

export function runtimeSuite(s: SuiteTarget): void {
  const orders = `${s.prefix}_orders`;
  const inc = `${s.prefix}_inc`;
  const types = `${s.prefix}_types`;
  const nodes: SqlNodeHarness[] = [];
  let admin: SqlExecutor;
  let adminClient: unknown;

  const sql = async (text: string, binds: unknown[] = []): Promise<DbRow[]> => (await admin.run({ sql: text, binds })).rows ?? [];
  const node = async (params: Record<string, unknown>, extra: Partial<Parameters<typeof SqlNodeHarness.start>[0]> = {}) => {
    const h = await SqlNodeHarness.start({
      runtime: s.runtime,
      spec: s.spec,
      params: { connection: s.profile.id, ...params },
      profile: s.profile,
      driver: s.driver,
      ...extra,
    });
    nodes.push(h);
    return h;
  };
  const only = (r: RunResult): Message => {
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.sent.length, 1);
    return r.sent[0]!.msg;
  };
  const count = async (where = '1=1'): Promise<number> => Number((await sql(`SELECT COUNT(*) AS n FROM ${orders} WHERE ${where}`))[0]!['n']);

  before(async () => {
    adminClient = await s.driver.open(s.profile);
    admin = s.executor(adminClient);
    for (const t of [orders, inc, types]) await sql(`DROP TABLE IF EXISTS ${t}`);
    await sql(`CREATE TABLE ${orders} (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INT NULL, status VARCHAR(20) NULL)`);
    await sql(s.ddl.incremental(inc));
    await sql(s.ddl.types(types));
  });

  after(async () => {
    for (const h of nodes) await h.stop();
    for (const t of [orders, inc, types]) await sql(`DROP TABLE IF EXISTS ${t}`);
    await s.driver.close(adminClient);
  });

  test('insert: an array payload is written batchSize rows per round trip; other message fields are kept', async () => {
    const h = await node({ action: 'insert', table: orders, batchSize: 500 });
    const rows = Array.from({ length: 1234 }, (_, i) => ({ id: i + 1, name: `n${i + 1}`, qty: i % 10 }));
    const out = only(await h.send({ payload: rows, topic: 'sync' }));
    assert.deepEqual(out, { payload: { rows: 1234, affectedRows: 1234, batches: 3 }, topic: 'sync' });
    assert.equal(await count(), 1234);
  });

  test('insert with values: expressions per row with the element as payload, and ${node|…} refs', async () => {
    const h = await node({
      action: 'insert',
      table: orders,
      values: { id: '${payload.n}', name: 'item ${payload.n}', qty: '${src|payload.qty}', status: 'new' },
    });
    h.nodeOutputs.set('src', { payload: { qty: 9 } });
    const out = only(await h.send({ payload: [{ n: 2001 }, { n: 2002 }] }));
    assert.deepEqual(out.payload, { rows: 2, affectedRows: 2, batches: 1 });
    assert.deepEqual(await sql(`SELECT id, name, qty, status FROM ${orders} WHERE id > 2000 ORDER BY id`), [
      { id: 2001, name: 'item 2001', qty: 9, status: 'new' },
      { id: 2002, name: 'item 2002', qty: 9, status: 'new' },
    ]);
    // one object payload is one row
    const single = only(await h.send({ payload: { n: 2003 } }));
    assert.deepEqual(single.payload, { rows: 1, affectedRows: 1, batches: 1 });
  });

  test('select: fields, where with :binds from expressions, orderBy, limit', async () => {
    const h = await node({
      action: 'select',
      table: orders,
      fields: ['id', 'name'],
      where: 'qty >= :min AND name <> :evil',
      binds: { min: '${payload.min}', evil: "x' OR '1'='1" },
      orderBy: 'id DESC',
      limit: 3,
    });
    const out = only(await h.send({ payload: { min: 9 }, topic: 't' }));
    assert.deepEqual(out, {
      payload: [
        { id: 2003, name: 'item 2003' },
        { id: 2002, name: 'item 2002' },
        { id: 2001, name: 'item 2001' },
      ],
      topic: 't',
    });
  });

  test('select: more rows than pageSize go out page by page, each finished downstream before the next', async () => {
    let active = 0;
    let overlap = false;
    const seen: number[] = [];
    const h = await node(
      { action: 'select', table: orders, fields: ['id'], orderBy: ['id'], pageSize: 500 },
      {
        downstream: async (msg) => {
          if (++active > 1) overlap = true;
          seen.push((msg.payload as unknown[]).length);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        },
      },
    );
    const r = await h.send({ payload: null });
    assert.equal(r.error, undefined);
    assert.deepEqual(
      r.sent.map((x) => [x.iteration, x.msg['page'], (x.msg.payload as unknown[]).length]),
      [
        [0, 0, 500],
        [1, 1, 500],
        [2, 2, 237],
      ],
    );
    assert.deepEqual(seen, [500, 500, 237]);
    assert.equal(overlap, false);
    const ids = r.sent.flatMap((x) => (x.msg.payload as DbRow[]).map((row) => row['id']));
    assert.equal(new Set(ids).size, 1237);
  });

  test('select: exactly pageSize rows is still one message', async () => {
    const h = await node({ action: 'select', table: orders, limit: 500, pageSize: 500 });
    const out = only(await h.send({ payload: null }));
    assert.equal((out.payload as unknown[]).length, 500);
    assert.equal(out['page'], undefined);
  });

  test('select: a page failing downstream stops reading and fails the node', async () => {
    const h = await node(
      { action: 'select', table: orders, pageSize: 400 },
      { downstream: (_msg, i) => (i === 1 ? 'boom' : undefined) },
    );
    const r = await h.send({ payload: null });
    assert.equal(r.sent.length, 2);
    assert.match(r.error?.message ?? '', /stopped reading after page 1: boom/);
    assert.equal((r.error as { code?: string }).code, 'PAGE_FAILED');
  });

  test('incremental: above the watermark, ascending, at most limit per run, committed once the rows were handled downstream', async () => {
    // five rows within one millisecond: only an exact (microsecond) watermark tells them apart
    const base = '2024-05-01 10:00:00.1230';
    for (let i = 1; i <= 5; i++) await sql(`INSERT INTO ${inc} (id, updated_at, v) VALUES (${i}, '${base}0${i}', 'v${i}')`);
    let failDownstream = false;
    const h = await node(
      { action: 'select', table: inc, fields: ['id', 'v'], incremental: { column: 'updated_at', initial: null }, limit: 2 },
      { downstream: () => (failDownstream ? 'insert failed' : undefined) },
    );
    const ids = (r: RunResult): unknown[] => (only(r).payload as DbRow[]).map((row) => row['id']);

    assert.deepEqual(ids(await h.send({})), [1, 2]);
    assert.match(String(h.committed.get('watermark')), /^2024-05-01 10:00:00\.123002/);
    failDownstream = true;
    const failed = await h.send({});
    failDownstream = false;
    assert.deepEqual((failed.sent[0]!.msg.payload as DbRow[]).map((row) => row['id']), [3, 4]);
    assert.match(failed.error?.message ?? '', /insert failed/);
    assert.deepEqual(failed.checkpoints, []);
    assert.deepEqual(ids(await h.send({})), [3, 4], 'rows that failed downstream do not move the watermark');
    assert.deepEqual(ids(await h.send({})), [5]);
    const before = h.committed.get('watermark');
    const empty = await h.send({});
    assert.deepEqual(only(empty).payload, []);
    assert.equal(h.committed.get('watermark'), before);

    const byId = await node({ action: 'select', table: inc, incremental: { column: 'id', initial: 3 } });
    const rows = only(await byId.send({})).payload as DbRow[];
    assert.deepEqual(rows.map((r) => r['id']), [4, 5]);
    assert.deepEqual(Object.keys(rows[0]!), ['id', 'updated_at', 'v'], 'the watermark helper column is not emitted');
    assert.equal(byId.committed.get('watermark'), '5');
  });

  test('upsert: inserts new keys and updates existing ones', async () => {
    const h = await node({ action: 'upsert', table: orders, keys: ['id'] });
    const out = only(
      await h.send({
        payload: [
          { id: 1, name: 'one*', qty: 100 },
          { id: 5000, name: 'new', qty: 1 },
        ],
      }),
    );
    assert.equal((out.payload as { rows: number }).rows, 2);
    assert.deepEqual(await sql(`SELECT id, name, qty FROM ${orders} WHERE id IN (1, 5000) ORDER BY id`), [
      { id: 1, name: 'one*', qty: 100 },
      { id: 5000, name: 'new', qty: 1 },
    ]);
  });

  test('update: by keys (rows from the payload) and by where', async () => {
    const byKeys = await node({ action: 'update', table: orders, keys: 'id', values: { id: '${payload.id}', qty: '${payload.q}' } });
    const out = only(await byKeys.send({ payload: [{ id: 2, q: 222 }, { id: 3, q: 333 }, { id: 999999, q: 1 }] }));
    assert.deepEqual(out.payload, { rows: 3, affectedRows: 2, batches: 1 });
    assert.deepEqual(await sql(`SELECT qty FROM ${orders} WHERE id IN (2, 3) ORDER BY id`), [{ qty: 222 }, { qty: 333 }]);

    const byWhere = await node({ action: 'update', table: orders, values: { status: 'closed' }, where: 'id < :max', binds: { max: 10 } });
    const w = only(await byWhere.send({ payload: {} }));
    assert.equal((w.payload as { affectedRows: number }).affectedRows, 9);
    assert.equal(await count("status = 'closed'"), 9);
  });

  test('delete: by keys and by where', async () => {
    const byKeys = await node({ action: 'delete', table: orders, keys: ['id'] });
    const out = only(await byKeys.send({ payload: [{ id: 1 }, { id: 2 }, { id: 424242 }] }));
    assert.deepEqual(out.payload, { rows: 3, affectedRows: 2, batches: 1 });
    const byWhere = await node({ action: 'delete', table: orders, where: 'id >= :from', binds: { from: '${payload}' } });
    const w = only(await byWhere.send({ payload: 2000 }));
    assert.equal((w.payload as { affectedRows: number }).affectedRows, 4);
    assert.equal(await count('id >= 2000'), 0);
  });

  test('sql: rows for a query, affectedRows otherwise; bound values are never SQL', async () => {
    const q = await node({ action: 'sql', sql: `SELECT id, name FROM ${orders} WHERE id = :id OR name = :name ORDER BY id`, binds: { id: 3, name: "'; DROP TABLE x; --" } });
    assert.deepEqual(only(await q.send({})).payload, [{ id: 3, name: 'n3' }]);
    const dml = await node({ action: 'sql', sql: `UPDATE ${orders} SET qty = :q WHERE id BETWEEN :a AND :b`, binds: { q: 7, a: 3, b: 5 } });
    assert.deepEqual(only(await dml.send({})).payload, { affectedRows: 3 });
  });

  test('sql: a million-row query streams in pages with bounded memory', async (t) => {
    // live heap after a full GC: garbage between collections says nothing about what is retained
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const start = process.memoryUsage().heapUsed;
    let rows = 0;
    let pages = 0;
    let peak = 0;
    const h = await node(
      { action: 'sql', sql: s.series(1_000_000), pageSize: 10_000 },
      {
        record: false,
        downstream: (msg) => {
          rows += (msg.payload as unknown[]).length;
          if (pages++ % 10 === 5) {
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed);
          }
        },
      },
    );
    const r = await h.send({});
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(rows, 1_000_000);
    assert.equal(pages, 100);
    // a million buffered rows hold well over 50 MB; a page or two of 10,000 a few
    t.diagnostic(`live heap growth ${Math.round((peak - start) / 1048576)} MB`);
    assert.ok(peak - start < 30 * 1024 * 1024, `live heap grew ${Math.round((peak - start) / 1048576)} MB`);
  });

  test('types: NULL, exact DECIMAL and BIGINT, UTC date-times as ISO text, binary, emoji survive a write and a read', async () => {
    const row = {
      id: 1,
      big: '9223372036854775807',
      amount: '12345678901234567890.0123456789',
      dt: new Date('2024-05-01T10:20:30.123Z'),
      ts: new Date('2024-12-31T23:59:59.999Z'),
      d: '2024-02-29',
      bin: Buffer.from([0, 1, 2, 254, 255]),
      txt: 'héllo 😀 世界',
      flag: 1,
      dbl: 0.1,
    };
    const empty = { id: 2, big: null, amount: null, dt: null, ts: null, d: null, bin: null, txt: null, flag: null, dbl: null };
    const w = await node({ action: 'insert', table: types });
    assert.equal(only(await w.send({ payload: [row, empty] })).payload && true, true);
    const r = await node({ action: 'select', table: types, orderBy: 'id' });
    const rows = only(await r.send({})).payload as DbRow[];
    // Dates written, ISO UTC text with six fraction digits read (microseconds kept)
    const read = { ...row, dt: '2024-05-01T10:20:30.123000Z', ts: '2024-12-31T23:59:59.999000Z' };
    assert.deepEqual(rows, [read, empty]);
    // also through JSON (a script node in between): ISO strings and {type:'Buffer'} come back as they were
    const viaJson = JSON.parse(JSON.stringify({ ...row, id: 3 })) as Record<string, unknown>;
    await w.send({ payload: viaJson });
    const back = only(await (await node({ action: 'select', table: types, where: 'id = :id', binds: { id: 3 } })).send({})).payload as DbRow[];
    assert.deepEqual(back, [{ ...read, id: 3 }]);
  });

  test('errors name the param, the table and the connection', async () => {
    const bad = await node({ action: 'insert', table: orders });
    const r1 = await bad.send({ payload: [{ id: 1, name: 'a' }, { id: 2, 'bad-col': 1 }] });
    assert.match(r1.error?.message ?? '', /^payload\[1\]\.bad-col: "bad-col" is not a valid column name/);
    assert.equal((r1.error as { code?: string }).code, 'INVALID_PARAMS');

    const missing = await node({ action: 'select', table: `${s.prefix}_nope` });
    const r2 = await missing.send({});
    assert.match(r2.error?.message ?? '', new RegExp(`^${s.profile.type} connection "${s.profile.name}": `));
    assert.match(r2.error?.message ?? '', s.missingTable);
    assert.match(r2.error?.message ?? '', new RegExp(`${s.prefix}_nope`));

    const login = await SqlNodeHarness.start({
      runtime: s.runtime,
      spec: s.spec,
      params: { connection: s.badLogin.id, action: 'select', table: orders },
      profile: s.badLogin,
      driver: s.driver,
    });
    nodes.push(login);
    const r3 = await login.send({});
    assert.match(r3.error?.message ?? '', new RegExp(`^${s.profile.type} connection "${s.badLogin.name}": `));
  });
}
