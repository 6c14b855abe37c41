/**
 * Finding 5 (issue 11): an editor's /hooks page ran as the editor's origin. Every /hooks answer
 * is now a sandboxed document, and /hooks can get a port (origin) of its own.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../server.test-support.ts';
import { htmlPageFlow, startFlow, userWithRole } from './security.test-support.ts';

const ATTACK = `<script>fetch('/api/users',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({username:'mallory',password:'river-stone-garden-42',role:'admin'})})</script>`;

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.destroy();
});

test('an HTML page an editor serves on /hooks is sandboxed: CSP sandbox (no scripts, opaque origin) and nosniff', async () => {
  const editor = await userWithRole(s, 'editor');
  await startFlow(s, htmlPageFlow('evil-page', ATTACK), editor.token);
  const res = await fetch(`${s.url}/hooks/evil-page`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(res.headers.get('content-security-policy'), 'sandbox');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await res.text(), ATTACK, 'the page itself is served as the flow made it');
  // answers that are not the flow's (404, 405) are sandboxed too
  const missing = await fetch(`${s.url}/hooks/nothing-here`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-security-policy'), 'sandbox');
});

test('a flow cannot lift the sandbox with its own headers: its CSP is added as a second policy, nosniff stays', async () => {
  await startFlow(s, htmlPageFlow('own-headers', '<p>hi</p>', {
    headers: { 'Content-Type': 'text/html', 'Content-Security-Policy': "default-src *; script-src * 'unsafe-inline'", 'X-Content-Type-Options': 'sniff-please' },
  }));
  const res = await fetch(`${s.url}/hooks/own-headers`);
  assert.equal(res.headers.get('content-security-policy'), "default-src *; script-src * 'unsafe-inline', sandbox", 'both policies are sent, and browsers enforce both');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
});

test('allowScripts on http-response lets scripts run, still sandboxed in an opaque origin (never allow-same-origin)', async () => {
  await startFlow(s, htmlPageFlow('app-page', '<script>document.title="x"</script>', { allowScripts: true }));
  const res = await fetch(`${s.url}/hooks/app-page`);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /^sandbox /);
  assert.match(csp, /\ballow-scripts\b/);
  assert.doesNotMatch(csp, /allow-same-origin|allow-top-navigation/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  // a string is not a boolean: the schema refuses `"allowScripts": "true"` (no expression can turn it on)
  const bad = await s.api('/api/flows', { body: htmlPageFlow('x', 'y', { allowScripts: 'true' }) });
  assert.equal(bad.status, 400);
  assert.ok(bad.body.details.some((d: { path: string }) => d.path.endsWith('allowScripts')), JSON.stringify(bad.body.details));
});

test('the API and the editor answer with hardening headers: no framing, same-origin referrers, a CSP', async () => {
  const api = await fetch(`${s.url}/api/health`);
  assert.equal(api.headers.get('x-frame-options'), 'DENY');
  assert.equal(api.headers.get('referrer-policy'), 'same-origin');
  assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
  assert.match(api.headers.get('content-security-policy') ?? '', /default-src 'none'.*frame-ancestors 'none'/);
  assert.equal(api.headers.get('cross-origin-resource-policy'), 'same-origin');
  const page = await fetch(`${s.url}/`);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'(;|$)/, 'no inline or foreign scripts in the editor');
  assert.match(csp, /frame-ancestors 'none'/);
});

test('TRIBUTARY_HOOKS_PORT: /hooks is served only on its own port; the main port answers 404 for it, the hooks port for everything else', async () => {
  const h = await startTestServer({ config: { hooksPort: 0 } });
  try {
    assert.ok(h.hooksUrl && h.hooksPort && h.hooksPort !== h.port, JSON.stringify({ hooksUrl: h.hooksUrl, port: h.port }));
    await startFlow(h, htmlPageFlow('page', '<p>ok</p>'));
    const there = await fetch(`${h.hooksUrl}/hooks/page`);
    assert.equal(there.status, 200);
    assert.equal(await there.text(), '<p>ok</p>');
    assert.equal(there.headers.get('content-security-policy'), 'sandbox');
    const main = await fetch(`${h.url}/hooks/page`);
    assert.equal(main.status, 404);
    assert.match(((await main.json()) as { error: string }).error, /hooks port/);
    for (const path of ['/api/health', '/api/users', '/', '/socket.io/?EIO=4&transport=polling']) {
      const res: Response = await fetch(`${h.hooksUrl}${path}`, { headers: { authorization: `Bearer ${h.adminToken}` } });
      assert.equal(res.status, 404, `${path} on the hooks port`);
    }
    assert.equal((await fetch(`${h.url}/api/health`)).status, 200, 'the API stays on the main port');
  } finally {
    await h.destroy();
  }
});
