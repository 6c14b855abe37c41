/**
 * A connection test bounded by a deadline: `attempt` opens a connection and runs a trivial
 * query; whatever happens, the connection is closed — also one that arrives after the deadline.
 */
export async function probeWithin(
  timeoutMs: number,
  attempt: () => Promise<void>,
  close: () => Promise<void>,
  toDriverError: (err: unknown) => Error,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  const running = attempt().finally(() => {
    settled = true;
  });
  try {
    await Promise.race([running, deadline]);
  } catch (err) {
    throw toDriverError(err);
  } finally {
    clearTimeout(timer);
    if (settled) await close();
    else void running.then(close, close);
  }
}

/** `schema.table` or `table`. */
export function splitQualified(table: string): { schema: string | null; name: string } {
  const dot = table.indexOf('.');
  return dot < 0 ? { schema: null, name: table } : { schema: table.slice(0, dot), name: table.slice(dot + 1) };
}
