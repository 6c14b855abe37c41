/**
 * Node-RED 4 for side-by-side benchmarks: installed from npm into bench/.work/node-red (git-ignored)
 * on first use, reused afterwards. Never committed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORK_DIR = fileURLToPath(new URL('../.work/', import.meta.url));
export const NODE_RED_PREFIX = join(WORK_DIR, 'node-red');
/** data dirs of the children (traces of a full run take hundreds of MB); wiped at each start */
export const SCRATCH_DIR = join(WORK_DIR, 'tmp');

export interface NodeRedInstall {
  /** node_modules/node-red */
  dir: string;
  version: string;
  /** the CLI entry (red.js) */
  cli: string;
}

function installed(): NodeRedInstall | undefined {
  const dir = join(NODE_RED_PREFIX, 'node_modules', 'node-red');
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return undefined;
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  if (!version.startsWith('4.')) return undefined;
  return { dir, version, cli: join(dir, 'red.js') };
}

export function ensureNodeRed(log: (line: string) => void): NodeRedInstall {
  const found = installed();
  if (found) return found;
  mkdirSync(NODE_RED_PREFIX, { recursive: true });
  log(`installing node-red@4 from npm into ${NODE_RED_PREFIX} (first run only)…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--prefix', NODE_RED_PREFIX, 'node-red@4', '--no-audit', '--no-fund'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  const after = installed();
  if (r.status !== 0 || !after) throw new Error(`npm install node-red@4 failed (exit ${r.status ?? r.signal})`);
  return after;
}
