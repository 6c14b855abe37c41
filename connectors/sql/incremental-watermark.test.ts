/**
 * Issue 8 findings 4 and 3, on the real MariaDB and PostgreSQL:
 * - a (column, key) watermark never loses rows that share a timestamp at a `limit` boundary
 *   (limit 100, an UPDATE of 50 rows then a 250-row INSERT at one timestamp);
 * - the timestamp modes read only up to the database's clock minus `delayMs`, so a row whose
 *   transaction commits late (while a later row was already committed) is still read.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionDriver, ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { mysqlDriver } from '../mysql/driver.ts';
import { mysqlNode, mysqlSpec } from '../mysql/mysql/spec.ts';
import { mysqlRuntime } from '../mysql/mysql/runtime.ts';
import { postgresDriver } from '../postgres/driver.ts';
import { postgresSpec } from '../postgres/postgres/spec.ts';
import { postgresRuntime } from '../postgres/postgres/runtime.ts';
import { LOCAL_MYSQL, LOCAL_POSTGRES, SqlNodeHarness, type RunResult } from './sql.test-support.ts';
import { mariadb, postgres, sleep, suffix } from './incremental.test-support.ts';

/** a plain session of one database: run a statement, close */
interface Session {
  q(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

interface Db {
  name: string;
  spec: NodeSpec;
  runtime: NodeRuntime;
  driver: ConnectionDriver<unknown>;
  profile: ConnectionProfileResolved;
  session(): Promise<Session>;
  /** a table (id, updated_at, v) whose updated_at defaults to the database's clock at insert time */
  ddl(table: string): string;
}

const DBS: Db[] = [
  {
    name: 'MariaDB',
    spec: mysqlSpec,
    runtime: mysqlRuntime,
    driver: mysqlDriver as ConnectionDriver<unknown>,
    profile: LOCAL_MYSQL,
    async session() {
      const c = await mariadb();
      return { q: async (sql) => (await c.query(sql))[0] as Record<string, unknown>[], close: () => c.end() };
    },
    ddl: (t) => `CREATE TABLE ${t} (id INT PRIMARY KEY, updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), v VARCHAR(20) NOT NULL)`,
  },
  {
    name: 'PostgreSQL',
    spec: postgresSpec,
    runtime: postgresRuntime,
    driver: postgresDriver as ConnectionDriver<unknown>,
    profile: LOCAL_POSTGRES,
    async session() {
      const c = await postgres();
      return { q: async (sql) => (await c.query(sql)).rows as Record<string, unknown>[], close: () => c.end() };
    },
    // clock_timestamp(): the insert's own time, as MariaDB's default (now() would be the transaction's start)
    ddl: (t) => `CREATE TABLE ${t} (id INT PRIMARY KEY, updated_at TIMESTAMP(6) NOT NULL DEFAULT (clock_timestamp() AT TIME ZONE 'UTC'), v VARCHAR(20) NOT NULL)`,
  },
];

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup(db: Db, label: string) {
  const table = `wm_${label}_${suffix()}`;
  const admin = await db.session();
  await admin.q(db.ddl(table));
  const harnesses: SqlNodeHarness[] = [];
  cleanups.push(async () => {
    for (const h of harnesses) await h.stop();
    await admin.q(`DROP TABLE IF EXISTS ${table}`);
    await admin.close();
  });
  const node = async (incremental: Record<string, unknown>, limit?: number): Promise<SqlNodeHarness> => {
    const h = await SqlNodeHarness.start({
      runtime: db.runtime,
      spec: db.spec,
      driver: db.driver,
      profile: db.profile,
      params: { connection: db.profile.id, action: 'select', table, fields: ['id', 'v'], incremental, ...(limit ? { limit } : {}) },
    });
    harnesses.push(h);
    return h;
  };
  return { table, admin, node };
}

const idsOf = (r: RunResult): number[] => {
  assert.equal(r.error, undefined, r.error?.message);
  return r.sent.flatMap((s) => (s.msg.payload as { id: number }[]).map((row) => Number(row.id)));
};

/** runs until one reads nothing; every id read, in order */
async function drain(h: SqlNodeHarness): Promise<number[]> {
  const all: number[] = [];
  for (let i = 0; i < 100; i++) {
    const ids = idsOf(await h.send({}));
    if (ids.length === 0) return all;
    all.push(...ids);
  }
  throw new Error('never drained');
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const db of DBS) {
  test(`${db.name}: limit 100, 50 rows updated then 250 inserted at one timestamp: every row read exactly once`, { timeout: 60_000 }, async () => {
    const { table, admin, node } = await setup(db, 'tie');
    // 200 older rows, one second apart
    const values = range(1, 200).map((i) => `(${i}, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '${i}' SECOND, 'old')`);
    const pgValues = range(1, 200).map((i) => `(${i}, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '${i} second', 'old')`);
    await admin.q(`INSERT INTO ${table} (id, updated_at, v) VALUES ${(db.name === 'MariaDB' ? values : pgValues).join(', ')}`);
    const paired = await node({ column: 'updated_at', key: 'id', mode: 'timestamp+incrementing' }, 100);
    const columnOnly = await node({ column: 'updated_at', mode: 'timestamp' }, 100);
    assert.deepEqual(await drain(paired), range(1, 200));
    assert.deepEqual(await drain(columnOnly), range(1, 200));

    const tie = "TIMESTAMP '2025-01-01 12:00:00.123456'";
    await admin.q(`UPDATE ${table} SET updated_at = ${tie}, v = 'updated' WHERE id <= 50`);
    await admin.q(`INSERT INTO ${table} (id, updated_at, v) VALUES ${range(201, 450).map((i) => `(${i}, ${tie}, 'new')`).join(', ')}`);

    const read = await drain(paired);
    assert.equal(read.length, 300);
    assert.deepEqual(read, [...range(1, 50), ...range(201, 450)], 'the 300 rows at one timestamp, each once, in (timestamp, id) order');
    assert.deepEqual(paired.committed.get('watermark'), { column: '2025-01-01 12:00:00.123456', key: '450' });
    // the column alone cannot tell tied rows apart: past the first 100, the rest are jumped over
    const lost = 300 - (await drain(columnOnly)).length;
    assert.equal(lost, 200, 'without a key, ties at the limit are lost (why the key exists)');
  });

  test(`${db.name}: a transaction committing within delayMs is read although a later row was committed first`, { timeout: 60_000 }, async () => {
    const { table, node } = await setup(db, 'late');
    const late = await db.session();
    const other = await db.session();
    cleanups.push(async () => {
      await late.close();
      await other.close();
    });
    const delayed = await node({ column: 'updated_at', key: 'id', mode: 'timestamp+incrementing', delayMs: 2000 });
    const byId = await node({ column: 'id' });

    await late.q(db.name === 'MariaDB' ? 'START TRANSACTION' : 'BEGIN');
    await late.q(`INSERT INTO ${table} (id, v) VALUES (1, 'late')`);
    await sleep(20);
    await other.q(`INSERT INTO ${table} (id, v) VALUES (2, 'on time')`);

    assert.deepEqual(idsOf(await byId.send({})), [2], 'by id alone, row 2 is read while row 1 is not committed');
    assert.deepEqual(idsOf(await delayed.send({})), [], 'within the delay nothing is read yet');
    await sleep(700);
    await late.q('COMMIT');
    assert.deepEqual(idsOf(await byId.send({})), [], 'row 1 is below the id watermark: never read by id');

    await sleep(1500);
    assert.deepEqual(idsOf(await delayed.send({})), [1, 2], 'once the delay passed both rows are read, in order');
    assert.deepEqual(idsOf(await delayed.send({})), []);
  });
}

test('incremental params are checked, errors naming the field', async () => {
  const db = DBS[0]!;
  const { node } = await setup(db, 'bad');
  const error = async (incremental: Record<string, unknown>): Promise<string> => (await (await node(incremental)).send({})).error?.message ?? '';
  assert.match(await error({ column: 'updated_at', mode: 'sometimes' }), /^params\.incremental\.mode: must be one of incrementing, timestamp, timestamp\+incrementing/);
  assert.match(await error({ column: 'updated_at', mode: 'timestamp+incrementing' }), /^params\.incremental\.key: the timestamp\+incrementing mode needs a key column/);
  assert.match(await error({ column: 'id', delayMs: 5000 }), /^params\.incremental\.delayMs: applies only to the timestamp/);
  assert.match(await error({ column: 'updated_at', mode: 'timestamp', delayMs: -1 }), /^params\.incremental\.delayMs: must be a whole number of milliseconds/);
  assert.match(await error({ column: 'updated_at', key: 'id;drop' }), /^params\.incremental\.key: "id;drop" is not a valid column name/);
  assert.match(await error({ column: 'id', key: 'id' }), /^params\.incremental\.key: must be another column/);
  const insert = async (params: Record<string, unknown>, payload: unknown): Promise<string> => {
    const h = await SqlNodeHarness.start({ runtime: db.runtime, spec: db.spec, driver: db.driver, profile: db.profile, params: { connection: db.profile.id, ...params } });
    try {
      return (await h.send({ payload })).error?.message ?? '';
    } finally {
      await h.stop();
    }
  };
  assert.match(await insert({ action: 'insert', table: 'x', exactlyOnce: true }, [{ id: 1 }]), /^params\.exactlyOnce: the message carries no source positions; connect this node straight to an incremental select/);
  assert.match(await insert({ action: 'delete', table: 'x', keys: ['id'], exactlyOnce: true }, [{ id: 1 }]), /^params\.exactlyOnce: applies only to the insert and upsert actions/);
  assert.match(await insert({ action: 'insert', table: 'x', exactlyOnce: 'yes' }, [{ id: 1 }]), /^params\.exactlyOnce: must be true or false/);
  // the same checks when a flow is saved
  const validate = mysqlNode.logic!.validate!;
  const saved = (incremental: Record<string, unknown>) => validate({ connection: 'c', action: 'select', table: 't', incremental }).map((i) => [i.path, i.message]);
  assert.deepEqual(saved({ column: 'ts', mode: 'timestamp+incrementing', delayMs: -5 }), [
    ['incremental.key', 'the timestamp+incrementing mode needs a key column (a unique, growing id)'],
    ['incremental.delayMs', 'must be a whole number of milliseconds from 0 to 86400000, got -5'],
  ]);
  assert.deepEqual(saved({ column: 'ts', mode: 'timestamp', key: 'id', delayMs: 5000 }), []);
  assert.deepEqual(saved({ column: 'id', delayMs: '${payload.delay}' }), []);
  assert.deepEqual(validate({ connection: 'c', action: 'update', table: 't', keys: ['id'], exactlyOnce: true }).map((i) => i.path), ['exactlyOnce']);
});
