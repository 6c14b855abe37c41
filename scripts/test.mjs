#!/usr/bin/env node
// The whole test suite: typecheck, dependency rules (dependency-cruiser), lint (ESLint), start
// what the tests need (Kafka broker, Chromium check), run every *.test.ts with node's test
// runner, stop what was started. Exit code = failures.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const skipKafka = args.includes('--no-kafka') || process.env.TRIBUTARY_TEST_NO_KAFKA === '1';

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'data' || name.startsWith('.') || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

console.log('▶ typecheck (tsc --noEmit: server, nodes, core; then the editor)');
for (const project of ['tsconfig.json', 'editor/tsconfig.json']) {
  if (run('npx', ['tsc', '--noEmit', '-p', project]) !== 0) {
    console.error(`✖ typecheck of ${project} failed`);
    process.exit(1);
  }
}

console.log('▶ dependency rules (npm run deps: .dependency-cruiser.cjs)');
if (run('npm', ['run', '--silent', 'deps', '--', '--output-type', 'err']) !== 0) {
  console.error('✖ an import breaks the dependency rules (see above; README, "Layout")');
  process.exit(1);
}
console.log('▶ lint (npm run lint: eslint.config.js)');
if (run('npm', ['run', '--silent', 'lint']) !== 0) {
  console.error('✖ lint errors (see above)');
  process.exit(1);
}

let startedKafka = false;
if (!skipKafka) {
  const status = spawnSync('bash', ['scripts/kafka/kafka.sh', 'status'], { cwd: root, stdio: 'ignore' });
  if (status.status !== 0) {
    console.log('▶ starting the Kafka broker for the tests (scripts/kafka/kafka.sh start)');
    if (run('bash', ['scripts/kafka/kafka.sh', 'start']) !== 0) {
      console.error('✖ the Kafka broker did not start; see the log above');
      process.exit(1);
    }
    startedKafka = true;
  }
  process.env.TRIBUTARY_KAFKA_BROKERS ??= `127.0.0.1:${process.env.TRIBUTARY_KAFKA_PORT ?? '19092'}`;
}

const e2eWanted = findTests(join(root, 'e2e')).length > 0;
/** Debian packages the browser tests need: Chromium, and a CJK font (templates carry Chinese tags) */
function missingBrowserPackages() {
  const missing = [];
  if (!existsSync(process.env.TRIBUTARY_CHROMIUM ?? '/usr/bin/chromium')) missing.push('chromium');
  const cjk = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  if (cjk.error || cjk.status !== 0 || cjk.stdout.trim() === '') missing.push('fonts-wqy-microhei');
  return missing;
}
const missingPackages = e2eWanted ? missingBrowserPackages() : [];
if (missingPackages.length > 0) {
  console.log(`▶ installing Debian's ${missingPackages.join(', ')} for the browser tests`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update', '-qq']);
  run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', '-qq', ...missingPackages]);
}

// isolated-vm needs V8 without the startup snapshot on Node 20 (every test process inherits it)
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --no-node-snapshot`.trim();
const files = (only.length ? only : findTests(root)).sort();
console.log(`▶ running ${files.length} test files`);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit', cwd: root, env: process.env },
);
const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));

if (startedKafka && process.env.TRIBUTARY_KEEP_KAFKA !== '1') {
  console.log('▶ stopping the Kafka broker');
  run('bash', ['scripts/kafka/kafka.sh', 'stop']);
}
process.exit(code);
