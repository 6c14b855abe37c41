/** The child's side of bench/lib/child.ts: send results to the parent, answer its requests. */
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
  return { rss: m.rss, heapUsed: m.heapUsed };
}

/** leave once the last message reached the parent (so --cpu-prof can write its profile) */
export function exitWhenSent(code = 0): void {
  if (process.send) process.send({ type: 'bye' }, () => process.exit(code));
  else process.exit(code);
}
