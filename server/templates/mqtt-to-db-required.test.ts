/**
 * Issue 8 finding 6: `mqtt-to-db` wrote all-NULL rows, marked succeeded, for messages that lack
 * the mapped fields. LIVE on Mosquitto + MariaDB through the template as a user makes it: good
 * and bad messages are published; every good one is a row, no bad one writes anything (no
 * all-NULL row), and each bad one fails its run with the missing field named.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import mysql from 'mysql2/promise';
import { startTestServer, waitFor, type TestServer } from '../server.test-support.ts';

const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const TABLE = `tpl_mqtt_req_${suffix}`;
const TOPIC = `req${suffix}`;

let s: TestServer;
let my: mysql.Pool;

before(async () => {
  s = await startTestServer();
  my = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', connectionLimit: 2 });
  // nullable columns: before the fix nothing stopped a row of NULLs
  await my.query(`CREATE TABLE ${TABLE} (id INT AUTO_INCREMENT PRIMARY KEY, device_id VARCHAR(50) NULL, status INT NULL)`);
});

after(async () => {
  for (const t of [TABLE, `${TABLE}_dl`]) await my.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  await my.end();
  await s.destroy();
});

interface RunSummary {
  id: string;
  status: string;
  error?: string;
}

const BAD = ['{}', 'null', '42', '"str"', '[1,2]', JSON.stringify({ deviceId: 'd-no-status' }), JSON.stringify({ data: { status: 3 } }), JSON.stringify({ deviceId: 'd-null', data: { status: null } })];

/** each error names the first required field lacking: deviceId for six messages, data.status for two */
function assertNamed(errors: string[]): void {
  assert.equal(errors.length, BAD.length, errors.join('\n'));
  for (const e of errors) assert.match(e, /payload: required field "(deviceId|data\.status)" \(column "(device_id|status)"\) has no value/, e);
  assert.equal(errors.filter((e) => e.includes('"data.status" (column "status")')).length, 2, errors.join('\n'));
  assert.equal(errors.filter((e) => e.includes('"deviceId" (column "device_id")')).length, 6, errors.join('\n'));
}

async function scenario(mode: 'fail' | 'dead-letter'): Promise<void> {
  const topic = `${TOPIC}${mode === 'fail' ? 'f' : 'd'}`;
  const dlq = `${TABLE}_dl`;
  const make = async (name: string, type: string, params: Record<string, unknown>): Promise<string> => {
    const r = await s.api('/api/connections', { body: { name, type, environment: 'test', params, secrets: {} } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as string;
  };
  const broker = await make(`MQTT_req_${mode}`, 'mqtt', { url: 'mqtt://127.0.0.1:1883' });
  const db = await make(`MariaDB_req_${mode}`, 'mysql', { host: '127.0.0.1', port: 3306, database: 'test', user: 'root' });
  const created = await s.api('/api/templates/mqtt-to-db/instantiate', {
    body: {
      name: 'devices (required fields)',
      // requireMapped is left out: on by default; the dead-letter table is on by default too (named here to be this test's own)
      params: {
        mqtt: broker,
        target: db,
        topic: `${topic}/+/out`,
        targetTable: TABLE,
        mapping: { device_id: 'deviceId', status: 'data.status' },
        deadLetterTable: mode === 'fail' ? '' : dlq,
      },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const write = created.body.nodes.find((n: { type: string }) => n.type === 'mysql');
  assert.deepEqual(write.params.required, { device_id: 'deviceId', status: 'data.status' });
  assert.equal(write.params.maxAttempts, 3);
  assert.equal(write.params.deadLetter, mode === 'fail' ? undefined : dlq);
  const flowId = created.body.id as string;
  const started = await s.api(`/api/flows/${flowId}/start`, { method: 'POST' });
  assert.equal(started.body.state, 'running', JSON.stringify(started.body));

  const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
  try {
    const publish = (text: string) => client.publishAsync(`${topic}/d/out`, text, { qos: 1 });
    const count = async (): Promise<number> => Number(((await my.query(`SELECT COUNT(*) AS n FROM ${TABLE}`))[0] as { n: number }[])[0]!.n);
    // published until the subscription is up
    await waitFor(async () => (await publish(JSON.stringify({ deviceId: 'probe', data: { status: 1 } })), count()), (n) => n > 0, 15_000, 'the first row');
    // probes still in flight may add rows: good rows are counted apart from them
    const goodRows = async (): Promise<number> => Number(((await my.query(`SELECT COUNT(*) AS n FROM ${TABLE} WHERE device_id <> 'probe'`))[0] as { n: number }[])[0]!.n);

    const bad = BAD;
    const good = Array.from({ length: 5 }, (_, i) => JSON.stringify({ deviceId: `good-${i}`, data: { status: i } }));
    for (const [i, text] of bad.entries()) {
      await publish(text);
      await publish(good[i] ?? good[0]!.replace('good-0', `good-extra-${i}`));
    }

    const expectedGood = bad.length;
    await waitFor(goodRows, (n) => n >= expectedGood, 15_000, 'the good rows');
    if (mode === 'fail') {
      const failed = await waitFor(
        async () => (await s.api(`/api/runs?flowId=${flowId}&status=failed&limit=100`)).body as RunSummary[],
        (runs) => runs.length >= bad.length,
        15_000,
        'the failed runs',
      );
      assertNamed(await Promise.all(failed.map(async (r) => ((await s.api(`/api/runs/${r.id}`)).body as RunSummary).error ?? '')));
    } else {
      const dead = await waitFor(
        async () => ((await my.query(`SELECT error_code, error, record FROM ${dlq}`).catch(() => [[]]))[0] as { error_code: string; error: string; record: string }[]),
        (r) => r.length >= bad.length,
        15_000,
        'the dead letters',
      );
      assertNamed(dead.map((d) => d.error));
      assert.ok(dead.every((d) => d.error_code === 'MISSING_FIELD'));
      const failed = (await s.api(`/api/runs?flowId=${flowId}&status=failed&limit=100`)).body as RunSummary[];
      assert.equal(failed.length, 0, 'dead-lettered messages do not fail their runs');
    }
    await new Promise((r) => setTimeout(r, 300)); // nothing more arrives late
    assert.equal(await goodRows(), expectedGood, 'one row per good message, none for a bad one');
    const [[nulls]] = (await my.query(`SELECT COUNT(*) AS n FROM ${TABLE} WHERE device_id IS NULL OR status IS NULL`)) as unknown as [[{ n: number }]];
    assert.equal(Number(nulls.n), 0, 'no row with a NULL mapped column');
  } finally {
    await client.endAsync();
    await s.api(`/api/flows/${flowId}/stop`, { method: 'POST' });
    await my.query(`DELETE FROM ${TABLE}`);
  }
}

test('LIVE mqtt-to-db, dead-letter table emptied: messages lacking a mapped field fail their run naming it; no all-NULL row', () => scenario('fail'));

test('LIVE mqtt-to-db, defaults (dead-letter on): such messages are dead-lettered with the field named; no all-NULL row', () => scenario('dead-letter'));
