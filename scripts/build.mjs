#!/usr/bin/env node
// Builds what `npm start` runs: the server compiled by tsc into dist/ (no loader at run time),
// and the editor bundled by Vite into editor/dist. Each is rebuilt only when its sources changed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readdirSync, statSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** the folders tsc compiles into dist/ */
const SERVER_DIRS = ['core', 'server', 'nodes', 'connectors', 'catalogue', 'templates'];

function newest(dir, test) {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) latest = Math.max(latest, newest(path, test));
    else if (test(name)) latest = Math.max(latest, st.mtimeMs);
  }
  return latest;
}

function stampOf(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

export function buildServer(log = console.log) {
  const stamp = join(root, 'dist', '.built');
  const sources = Math.max(...SERVER_DIRS.map((d) => newest(join(root, d), () => true)), stampOf(join(root, 'package.json')));
  if (stampOf(stamp) >= sources) return true;
  log('Compiling the server (tsc → dist/)…');
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) return false;
  // files read at run time (SQL migrations…), the version from package.json, and the editor
  for (const dir of SERVER_DIRS) {
    cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true, filter: (src) => statSync(src).isDirectory() || !src.endsWith('.ts') });
  }
  copyFileSync(join(root, 'package.json'), join(root, 'dist', 'package.json'));
  symlinkSync('../editor', join(root, 'dist', 'editor'));
  writeFileSync(stamp, new Date().toISOString());
  return true;
}

export function buildEditor(log = console.log) {
  const index = join(root, 'editor', 'dist', 'index.html');
  const sources = Math.max(newest(join(root, 'editor'), (n) => !n.endsWith('.md')), ...['core', 'nodes', 'connectors', 'catalogue', 'templates'].map((d) => newest(join(root, d), (n) => !n.includes('.test'))));
  if (stampOf(index) >= sources) return true;
  log('Building the editor (vite → editor/dist)…');
  const vite = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'editor/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  return vite.status === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ok = buildServer() && buildEditor();
  process.exit(ok ? 0 : 1);
}
