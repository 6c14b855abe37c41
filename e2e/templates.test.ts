/**
 * The template wizard end to end: db-to-db-sync from a MariaDB table to a PostgreSQL table,
 * choosing connections, then tables, fields, mapping and keys from the live schema pickers,
 * then the schedule; the new flow opens on the canvas, and one triggered run copies the rows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { waitFor } from '../server/server.test-support.ts';
import { closeSession, openSession, shot, type Session } from './harness.ts';

const SRC = `e2e_tpl_src_${process.pid}`;
const DST = `e2e_tpl_dst_${process.pid}`;

describe('template wizard', () => {
  let s: Session | undefined;
  let my: mysql.Pool | undefined;
  let pgc: pg.Client | undefined;
  const conn = { mysql: '', postgres: '' };

  before(async () => {
    my = mysql.createPool({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', connectionLimit: 1 });
    await my.query(`DROP TABLE IF EXISTS ${SRC}`);
    await my.query(`CREATE TABLE ${SRC} (id INT PRIMARY KEY, name VARCHAR(40), note VARCHAR(40))`);
    await my.query(`INSERT INTO ${SRC} VALUES (1, 'ada', 'x'), (2, 'grace', 'y'), (3, 'linus', 'z')`);
    pgc = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await pgc.connect();
    await pgc.query(`DROP TABLE IF EXISTS ${DST}`);
    await pgc.query(`CREATE TABLE ${DST} (id INT PRIMARY KEY, name VARCHAR(40))`);

    s = await openSession();
    const make = async (name: string, type: string, params: Record<string, unknown>): Promise<string> => {
      const res = await s!.server.api('/api/connections', { body: { name, type, environment: 'test', params } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    conn.mysql = await make('Shop MariaDB', 'mysql', { host: '127.0.0.1', port: 3306, database: 'test', user: 'root' });
    conn.postgres = await make('Warehouse PostgreSQL', 'postgres', { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' });
  });

  after(async () => {
    await closeSession(s);
    await my?.query(`DROP TABLE IF EXISTS ${SRC}`);
    await my?.end();
    await pgc?.query(`DROP TABLE IF EXISTS ${DST}`);
    await pgc?.end();
  });

  it('walks the three steps and opens the new flow', async () => {
    const { page, server } = s!;
    await page.click('a.nav-link:has-text("Templates")');
    await page.click('[data-testid="template-db-to-db-sync"]');
    await page.waitForSelector('[data-testid="template-wizard"]');

    // 1. connections
    await page.fill('input[name="wizard.name"]', 'E2E nightly sync');
    await page.selectOption('select[name="tpl.source"]', conn.mysql);
    await page.selectOption('select[name="tpl.target"]', conn.postgres);
    await shot(page, '20-wizard-connections');
    await page.click('[data-testid="btn-wizard-next"]');

    // 2. tables and fields, from the live schema
    const srcOption = page.locator('select[name="tpl.sourceTable"] option', { hasText: SRC });
    await srcOption.waitFor({ state: 'attached' });
    await page.selectOption('select[name="tpl.sourceTable"]', (await srcOption.getAttribute('value')) ?? SRC);
    await page.check('input[name="tpl.fields.id"]');
    await page.check('input[name="tpl.fields.name"]');
    await page.selectOption('select[name="tpl.incrementalColumn"]', 'id');
    const dstOption = page.locator('select[name="tpl.targetTable"] option', { hasText: DST });
    await dstOption.waitFor({ state: 'attached' });
    await page.selectOption('select[name="tpl.targetTable"]', (await dstOption.getAttribute('value')) ?? DST);
    await page.click('[data-testid="tpl.mapping-automap"]');
    assert.equal(await page.inputValue('input[name="tpl.mapping.key.0"]'), 'id');
    assert.equal(await page.inputValue('input[name="tpl.mapping.value.1"]'), 'name');
    await page.check('input[name="tpl.keys.id"]');
    await shot(page, '21-wizard-tables');
    await page.click('[data-testid="btn-wizard-next"]');

    // 3. schedule
    await page.selectOption('select[name="tpl.unit"]', { label: 'hour' });
    await page.fill('input[name="tpl.interval"]', '6');
    await shot(page, '22-wizard-schedule');
    await page.click('[data-testid="btn-create-from-template"]');

    await page.waitForURL(/\/flows\/f_/);
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__node').length === 3);
    await page.waitForSelector('[data-testid="flow-version"]:has-text("v1")');
    const flowId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const flow = await server.api(`/api/flows/${flowId}`);
    assert.equal(flow.body.name, 'E2E nightly sync');
    assert.deepEqual(flow.body.nodes.map((n: { type: string }) => n.type), ['timer', 'mysql', 'postgres']);
    const write = flow.body.nodes[2];
    assert.equal(write.params.connection, conn.postgres);
    assert.deepEqual(write.params.keys, ['id']);
    assert.equal(flow.body.nodes[0].params.unit, 'hour');
    assert.equal(flow.body.nodes[0].params.interval, 6);
    await shot(page, '23-flow-from-template');

    // one run, fired from the toolbar, copies the rows
    await page.click('[data-testid="btn-start"]');
    await page.waitForSelector('[data-testid="state-badge"]:has-text("running")');
    await page.click('[data-testid="btn-trigger"]');
    await page.waitForSelector('[data-testid="run-row"][data-status="succeeded"]', { timeout: 15_000 });
    const rows = await waitFor(async () => (await pgc!.query(`SELECT id, name FROM ${DST} ORDER BY id`)).rows, (r) => r.length === 3, 5000, 'rows copied');
    assert.deepEqual(rows.map((r: { name: string }) => r.name), ['ada', 'grace', 'linus']);
    await page.click('[data-testid="btn-stop"]');
    await page.waitForSelector('[data-testid="state-badge"]:has-text("stopped")');
    assert.deepEqual(s!.errors, [], 'no errors in the browser console');
  });
});
