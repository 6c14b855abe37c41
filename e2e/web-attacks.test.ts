/**
 * Issue 11 findings 5 and 6 in a real browser (Chromium), with the admin logged in to the editor
 * (session cookie set):
 * - an editor serves an HTML page on /hooks whose script POSTs /api/users {role:"admin"}; the
 *   admin opens it → no user is created (CSP sandbox; with allowScripts, an opaque origin);
 * - a page on another port of the same host (same site) submits a form to start a flow, fires a
 *   no-cors POST to trigger it and opens a WebSocket to socket.io → nothing starts, no run, no socket.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { closeSession, openSession, shot, type Session } from './harness.ts';
import { listen, type TestServer as PlainServer } from '../connectors/http/http.test-support.ts';
import { htmlPageFlow, startFlow, userWithRole } from '../server/http/security.test-support.ts';

/** what the attacking page's script tries: make itself admin with the visitor's session */
const makeAdmin = (name: string): string =>
  `fetch('/api/users',{method:'POST',credentials:'include',headers:{'content-type':'application/json'},` +
  `body:JSON.stringify({username:'${name}',password:'river-stone-garden-42',role:'admin'})})` +
  `.then(function(r){document.title='answered '+r.status}).catch(function(e){document.title='blocked'});`;

describe('web attacks on a logged-in admin', () => {
  let s: Session | undefined;
  let page: Page;
  let attacker: PlainServer | undefined;

  before(async () => {
    s = await openSession();
    page = s.page;
  });
  after(async () => {
    await attacker?.close();
    await closeSession(s);
  });

  const usernames = async (): Promise<string[]> => ((await s!.server.api('/api/users')).body as { username: string }[]).map((u) => u.username);

  it('an editor\'s hook page cannot act with the admin\'s session: the page is sandboxed, its script does not run', async () => {
    const { server } = s!;
    const editor = await userWithRole(server, 'editor', 'eddie');
    await startFlow(server, htmlPageFlow('promo', `<html><head><title>promo</title></head><body><h1>Promo</h1><script>${makeAdmin('mallory')}</script></body></html>`), editor.token);
    await page.goto(`${server.url}/hooks/promo`);
    await page.waitForSelector('h1:has-text("Promo")');
    await page.waitForTimeout(1000);
    await shot(page, '60-hook-page-sandboxed');
    const names = await usernames();
    assert.ok(!names.includes('mallory'), `no admin was created: ${names.join(', ')}`);
    assert.equal(await page.title(), 'promo', 'the script did not run at all');
  });

  it('with allowScripts the script runs, in an opaque origin, and still cannot reach the API as the admin', async () => {
    const { server } = s!;
    const editor = await userWithRole(server, 'editor', 'edna');
    await startFlow(server, htmlPageFlow('promo-app', `<html><head><title>promo</title></head><body><h1>App</h1><script>${makeAdmin('mallory2')}</script></body></html>`, { allowScripts: true }), editor.token);
    await page.goto(`${server.url}/hooks/promo-app`);
    await page.waitForSelector('h1:has-text("App")');
    await page.waitForFunction(() => document.title !== 'promo', undefined, { timeout: 5000 });
    assert.equal(await page.evaluate(() => window.origin), 'null', 'an opaque origin');
    assert.equal(await page.title(), 'blocked', 'the script ran, and its request was blocked');
    const names = await usernames();
    assert.ok(!names.includes('mallory2'), names.join(', '));
    assert.ok(names.includes('edna'));
  });

  it('a page on another port of the same host cannot start or trigger a flow or open a live socket with the admin\'s cookie', async () => {
    const { server } = s!;
    const target = (await server.api('/api/flows', { body: { name: 'CSRF target', nodes: [{ id: 'tick', type: 'inject', params: { payload: 1 } }], edges: [] } })).body.id as string;
    const running = await startFlow(server, { name: 'CSRF trigger target', nodes: [{ id: 'tick', type: 'inject', params: { payload: 1 } }], edges: [] });
    const ws = server.url.replace(/^http/, 'ws');
    const html = `<!doctype html><html><head><title>win a prize</title></head><body>
<form id="f" method="POST" action="${server.url}/api/flows/${target}/start" target="sink"><input name="x" value="1"></form>
<iframe name="sink"></iframe>
<script>
  var out = {};
  fetch('${server.url}/api/flows/${running}/trigger', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{}' })
    .then(function () { out.trigger = 'sent'; }, function () { out.trigger = 'failed'; });
  var sock = new WebSocket('${ws}/socket.io/?EIO=4&transport=websocket');
  sock.onopen = function () { out.ws = 'open'; };
  sock.onerror = function () { out.ws = 'error'; };
  sock.onmessage = function (e) { out.wsMessage = String(e.data); };
  document.getElementById('f').submit();
  window.attack = out;
</script></body></html>`;
    attacker = await listen((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    assert.notEqual(new URL(attacker.url).port, String(server.port));
    await page.goto(`${attacker.url}/prize.html`);
    await page.waitForFunction(() => {
      const a = (window as unknown as { attack?: { ws?: string; trigger?: string } }).attack;
      return a?.ws !== undefined && a.trigger !== undefined;
    }, undefined, { timeout: 10_000 });
    await page.waitForTimeout(500); // the form's answer
    const outcome = await page.evaluate(() => (window as unknown as { attack: Record<string, string> }).attack);
    await shot(page, '61-cross-origin-page');
    assert.equal((await server.api(`/api/flows/${target}`)).body.state, 'stopped', 'the form did not start the flow');
    assert.deepEqual((await server.api(`/api/runs?flowId=${running}`)).body, [], 'the no-cors POST triggered no run');
    assert.equal(outcome['ws'], 'error', `the WebSocket was refused: ${JSON.stringify(outcome)}`);
    // the admin's own editor still works with the same browser session
    await page.goto(server.url);
    await page.waitForSelector('h1:has-text("Flows")');
    await page.click(`a:has-text("CSRF target")`);
    await page.waitForSelector('[data-testid="btn-start"]');
    await page.click('[data-testid="btn-start"]');
    for (let i = 0; i < 50 && (await server.api(`/api/flows/${target}`)).body.state !== 'running'; i++) await page.waitForTimeout(100);
    assert.equal((await server.api(`/api/flows/${target}`)).body.state, 'running', 'the editor itself starts it');
    assert.deepEqual(s!.errors.filter((e) => !/Content Security Policy|WebSocket|sandbox|Blocked script|ERR_BLOCKED|CORS|status of 4\d\d/i.test(e)), [], 'no other browser errors');
  });
});
