#!/usr/bin/env node
// `npm start`: build what is not built yet (server → dist/, editor → editor/dist), then run the
// compiled server. `npm start -- --port 8080` passes flags through.
import { spawn } from 'node:child_process';
import { buildEditor, buildServer } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;
if (!buildServer()) {
  console.error('The server could not be compiled; see the errors above.');
  process.exit(1);
}
if (!buildEditor()) console.error('The editor could not be built; the API still works.');
// isolated-vm needs V8 without the startup snapshot on Node 20
const child = spawn(process.execPath, ['--no-node-snapshot', '--enable-source-maps', 'dist/server/main.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
