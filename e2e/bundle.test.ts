/** The built editor carries no server code: no database drivers, sandbox, Kafka client or Node built-ins. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEditorBuilt } from './harness.ts';

const FORBIDDEN = [
  /\bmysql2\b/, /\bkafkajs\b/, /isolated-vm/, /better-sqlite3/, /\boracledb\b/, /\bpg-cursor\b/,
  /(?:from|require\(|import\()\s*["']node:/, /require\(["'](?:express|pg|mqtt|fs|net|tls)["']\)/,
];

test('the editor bundle holds no server-side module', async () => {
  await ensureEditorBuilt();
  const assets = new URL('../editor/dist/assets', import.meta.url).pathname;
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length > 0, 'the build wrote scripts');
  const found: string[] = [];
  for (const file of scripts) {
    const text = readFileSync(join(assets, file), 'utf8');
    for (const pattern of FORBIDDEN) {
      const m = pattern.exec(text);
      if (m) found.push(`${file}: ${pattern} in …${text.slice(Math.max(0, m.index - 60), m.index + 60)}…`);
    }
  }
  assert.deepEqual(found, []);
});
