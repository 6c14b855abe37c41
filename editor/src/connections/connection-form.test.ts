// The connection profile form (Connections page), rendered with react-dom/server: its params
// from core/connection-types.ts, write-only secrets, and the fields each mode shows.
import '../testing/browser.test-support.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { SECRET_MASK, type ConnectionView } from '../../../core/connection-types.ts';
import { CONNECTION_TYPE_NAMES, CONNECTION_TYPES } from '../../../catalogue/index.ts';
import { ConnectionForm } from './ConnectionForm.tsx';

const render = (existing?: ConnectionView): string =>
  renderToString(createElement(ConnectionForm, { existing, onSaved: () => undefined, onCancel: () => undefined }));
const rows = (markup: string): string[] => [...markup.matchAll(/data-field="([^"]+)"/g)].map((m) => m[1]!);
const requiredMarks = (markup: string): string[] =>
  [...markup.matchAll(/data-field="([^"]+)"><label class="field-label">[^<]*<span class="req"/g)].map((m) => m[1]!);
const saved = (type: string, params: Record<string, unknown>, secrets: Record<string, typeof SECRET_MASK> = {}): ConnectionView => ({
  id: 'c_1', name: 'Orders DB', type, environment: 'test', params, secrets, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
});

test('a new connection starts as MySQL in development: its server fields, a write-only password, "Create connection"', () => {
  const markup = render();
  assert.deepEqual(rows(markup), ['name', 'type', 'environment', 'mode', 'host', 'port', 'database', 'user', 'charset', 'timeoutMs', 'secret-password']);
  assert.match(markup, /<option value="mysql" selected="">MySQL \/ MariaDB<\/option>/);
  assert.match(markup, /<option value="development" selected="">development<\/option>/);
  assert.match(markup, /placeholder="3306"/);
  assert.match(markup, /write-only: stored encrypted, never shown again/);
  assert.match(markup, /data-testid="btn-save-connection">Create connection</);
  assert.doesNotMatch(markup, /<select name="conn.type"[^>]*disabled/);
});

test('host and user are marked required in standard mode (the server refuses a MySQL profile without them)', () => {
  const marks = requiredMarks(render());
  assert.ok(marks.includes('host') && marks.includes('user'), `marked: ${marks.join(', ')}`);
  assert.ok(!marks.includes('database'));
  const professional = requiredMarks(render(saved('mysql', { mode: 'professional' })));
  assert.ok(!professional.includes('host') && !professional.includes('user'));
});

test('every connection type\'s form renders its params and secrets', () => {
  for (const type of CONNECTION_TYPE_NAMES) {
    const def = CONNECTION_TYPES[type]!;
    const markup = render(saved(type, {}));
    assert.match(markup, new RegExp(`<option value="${type}" selected="">`), type);
    const shown = rows(markup);
    for (const name of def.ui?.order ?? []) if (!def.ui?.showIf?.[name]) assert.ok(shown.includes(name), `${type}: ${name}`);
    for (const s of def.secrets.filter((x) => !x.showIf)) assert.ok(shown.includes(`secret-${s.name}`), `${type}: secret ${s.name}`);
  }
});

test('editing a saved profile: type fixed, stored secrets kept unless replaced, "Save changes"', () => {
  const markup = render(saved('postgres', { host: 'db.internal', user: 'app' }, { password: SECRET_MASK }));
  assert.match(markup, /<select name="conn.type"[^>]*disabled=""/);
  assert.match(markup, /name="conn.name" value="Orders DB"/);
  assert.match(markup, /placeholder="••••••  \(stored — type to replace\)"/);
  assert.match(markup, /stored encrypted; never shown again/);
  assert.doesNotMatch(markup, new RegExp(`value="\\${SECRET_MASK.replace(/\*/g, '\\*')}"`), 'the mask is never put in the box');
  assert.match(markup, /data-testid="btn-save-connection">Save changes</);
});

test('professional mode asks for one connection string instead of host, port, database, user and password', () => {
  const markup = render(saved('mysql', { mode: 'professional' }, { connectionString: SECRET_MASK }));
  const shown = rows(markup);
  for (const hidden of ['host', 'port', 'database', 'user', 'charset', 'secret-password']) assert.ok(!shown.includes(hidden), hidden);
  assert.ok(shown.includes('secret-connectionString'));
  assert.ok(requiredMarks(markup).includes('secret-connectionString'));
});

test('an HTTP API asks for a secret only when it uses authentication; a PEM key gets a text area', () => {
  assert.ok(!rows(render(saved('http', { baseUrl: 'https://api', auth: 'none' }))).includes('secret-secret'));
  const bearer = render(saved('http', { baseUrl: 'https://api', auth: 'bearer' }));
  assert.ok(rows(bearer).includes('secret-secret'));
  assert.ok(!rows(bearer).includes('username'), 'the user name is for basic auth only');
  assert.match(render(saved('mqtt', { url: 'mqtt://x' })), /<textarea name="secrets.key"/);
});

test('a profile whose secrets cannot be decrypted says so', () => {
  const markup = render({ ...saved('postgres', { host: 'h', user: 'u' }, { password: SECRET_MASK }), secretsUnreadable: true });
  assert.match(markup, /The stored secrets cannot be decrypted/);
});
