/**
 * How the Tributary side is run: from source through tsx (as `npm start` runs it), or compiled
 * to JavaScript with tsc into bench/.work/dist (no loader thread, no esbuild `__name` helpers),
 * to show what a build step would change.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORK_DIR } from './node-red.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(WORK_DIR, 'dist');

export interface TributaryBuild {
  name: 'tsx' | 'tsc';
  /** node flags; isolated-vm wants no node snapshot on Node 20+ */
  flags: string[];
  /** the runnable file of a repo path such as `bench/engine/tributary-chain.ts` */
  script(path: string): string;
}

export const tsxBuild: TributaryBuild = {
  name: 'tsx',
  flags: ['--no-node-snapshot', '--import', 'tsx'],
  script: (path) => join(ROOT, path),
};

/** compiles the repo with tsc (type errors do not stop the emit) and returns the build */
export function tscBuild(log: (line: string) => void): TributaryBuild {
  log(`compiling Tributary with tsc into ${DIST}…`);
  rmSync(DIST, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  spawnSync(process.execPath, [
    tsc, '-p', join(ROOT, 'tsconfig.json'), '--noEmit', 'false', '--outDir', DIST, '--rewriteRelativeImportExtensions',
    '--noEmitOnError', 'false', '--declaration', 'false', '--sourceMap', 'false',
  ], { stdio: 'ignore', timeout: 300_000 });
  // "type": "module" for the emitted .js, and the version the server reads from ../package.json
  copyFileSync(join(ROOT, 'package.json'), join(DIST, 'package.json'));
  // files the code reads at run time (SQL migrations, templates…)
  for (const dir of ['core', 'server', 'nodes', 'templates']) {
    if (!existsSync(join(ROOT, dir))) continue;
    cpSync(join(ROOT, dir), join(DIST, dir), { recursive: true, filter: (src) => !src.endsWith('.ts') });
  }
  return {
    name: 'tsc',
    flags: ['--no-node-snapshot'],
    script: (path) => join(DIST, path.replace(/\.ts$/, '.js')),
  };
}
