/** The child's side of bench/lib/child.ts: send results to the parent, answer its requests. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ChildMessage } from './child.ts';

/** to the parent; printed as JSON when started by hand (e.g. under --cpu-prof) */
export function tell(message: ChildMessage): void {
  if (process.send) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** answers `{type}` requests with `reply(request)`, sent back with the same type */
export function answer(type: string, reply: (request: ChildMessage) => Promise<object> | object): void {
  process.on('message', (m: ChildMessage) => {
    if (m.type !== type) return;
    Promise.resolve(m)
      .then(reply)
      .then((fields) => tell({ ...fields, type }), (err: unknown) => tell({ type: 'error', message: String(err) }));
  });
}

/** run `main`; any failure goes to the parent as `{type:'error'}` and the process exits 1 */
export function childMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.stack ?? err.message : String(err);
    if (process.send) process.send({ type: 'error', message }, () => process.exit(1));
    else {
      process.stderr.write(`${message}\n`);
      process.exit(1);
    }
  });
}

/** RSS after a full GC (needs --expose-gc) and a short idle, in bytes */
export async function idleRss(idleMs: number): Promise<{ rss: number; heapUsed: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, idleMs));
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const m = process.memoryUsage();
  const smapsFile = process.env['BENCH_SMAPS'];
  if (smapsFile) writeFileSync(`${smapsFile}.${process.pid}`, smapsSummary());
  return { rss: m.rss, heapUsed: m.heapUsed };
}

/** leave once the last message reached the parent (so --cpu-prof can write its profile) */
export function exitWhenSent(code = 0): void {
  if (process.send) process.send({ type: 'bye' }, () => process.exit(code));
  else process.exit(code);
}

/** BENCH_SMAPS=<file>: where the resident memory is, per mapping (Linux), largest first */
function smapsSummary(): string {
  const byName = new Map<string, { rss: number; anon: number }>();
  let name = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] || '[anon]';
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    const e = byName.get(name) ?? { rss: 0, anon: 0 };
    if (field[1] === 'Rss') e.rss += Number(field[2]);
    else e.anon += Number(field[2]);
    byName.set(name, e);
  }
  return [...byName].sort((a, b) => b[1].rss - a[1].rss)
    .map(([n, e]) => `${String(e.rss).padStart(8)} kB rss ${String(e.anon).padStart(8)} kB anon  ${n}`).join('\n') + '\n';
}
