/**
 * What every browser test needs: the editor built (once, even with test files running in
 * parallel), a real server serving it, Chromium, a logged-in page, and screenshots under
 * /tmp/tributary-e2e/ to look at.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../server/server.test-support.ts';

const root = new URL('..', import.meta.url).pathname;
const editorDir = join(root, 'editor');
const dist = join(editorDir, 'dist');
const lockDir = join(root, '.tmp', 'editor-build.lock');

export const SHOTS_DIR = process.env['TRIBUTARY_E2E_SHOTS'] ?? '/tmp/tributary-e2e';
export const CHROMIUM = process.env['TRIBUTARY_CHROMIUM'] ?? '/usr/bin/chromium';

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((n) => newestMtime(join(path, n))));
}

function distIsFresh(): boolean {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return false;
  const sources = Math.max(newestMtime(join(editorDir, 'src')), newestMtime(join(editorDir, 'index.html')), newestMtime(join(editorDir, 'vite.config.ts')));
  return statSync(index).mtimeMs >= sources;
}

/** builds editor/dist when it is missing or older than editor/src; one process builds, the others wait */
export async function ensureEditorBuilt(): Promise<void> {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const until = Date.now() + 180_000;
  for (;;) {
    if (distIsFresh()) return;
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // someone else builds; a lock older than 3 minutes is left over from a killed run
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 180_000) rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > until) throw new Error('timed out waiting for another process to build the editor');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (distIsFresh()) return;
    const out = join(root, '.tmp', `editor-dist-${process.pid}`);
    const built = spawnSync('npx', ['vite', 'build', '--config', 'editor/vite.config.ts', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`the editor build failed:\n${built.stdout}\n${built.stderr}`);
    rmSync(dist, { recursive: true, force: true });
    renameSync(out, dist);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Session { server: TestServer; browser: Browser; page: Page; errors: string[] }

/** built editor, a fresh server and a page logged in as admin */
export async function openSession(): Promise<Session> {
  await ensureEditorBuilt();
  mkdirSync(SHOTS_DIR, { recursive: true });
  const server = await startTestServer();
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
  });
  await page.goto(server.url);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', TEST_ADMIN_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Flows")');
  return { server, browser, page, errors };
}

export async function closeSession(s: Session | undefined): Promise<void> {
  if (!s) return;
  await s.browser.close();
  await s.server.destroy();
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** drags from one port handle to another, as a user wires two nodes */
export async function wire(page: Page, from: { node: string; port?: string }, to: { node: string; port?: string }): Promise<void> {
  const src = page.locator(`.react-flow__node[data-id="${from.node}"] .react-flow__handle.source[data-handleid="${from.port ?? 'out'}"]`);
  const dst = page.locator(`.react-flow__node[data-id="${to.node}"] .react-flow__handle.target[data-handleid="${to.port ?? 'in'}"]`);
  // the canvas may still be fitting a new node into view: wait until the handles stand still
  let a = await src.boundingBox();
  let b = await dst.boundingBox();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(50);
    const [a2, b2] = [await src.boundingBox(), await dst.boundingBox()];
    const still = JSON.stringify([a, b]) === JSON.stringify([a2, b2]);
    [a, b] = [a2, b2];
    if (still) break;
  }
  if (!a || !b) throw new Error(`port handle not visible: ${from.node}:${from.port ?? 'out'} → ${to.node}:${to.port ?? 'in'}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}
