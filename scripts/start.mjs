#!/usr/bin/env node
// `npm start`: build the editor when it is not built yet, then run the server (TypeScript via tsx).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
if (existsSync(`${root}editor/vite.config.ts`) && !existsSync(`${root}editor/dist/index.html`)) {
  console.log('Building the editor (first start)…');
  const built = spawnSync('npx', ['vite', 'build', '--config', 'editor/vite.config.ts'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) console.error('The editor could not be built; the API still works.');
}
const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'server/main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
