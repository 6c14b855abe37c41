/** Runs a driver's connection test with a hard deadline; the result is data, never a throw. */
import type { ConnectionProfileResolved, ConnectionDriver } from './driver-api.ts';

export type ConnectionTestResult = { ok: true } | { ok: false; error: string };

export async function runDriverTest(
  driver: ConnectionDriver, profile: ConnectionProfileResolved, timeoutMs: number,
): Promise<ConnectionTestResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ConnectionTestResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `connection test timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  const attempt = (async (): Promise<ConnectionTestResult> => {
    await driver.test(profile, timeoutMs);
    return { ok: true };
  })().catch((err: unknown): ConnectionTestResult => ({ ok: false, error: errorMessage(err) }));
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    // e.g. a refused connection tried on ::1 and 127.0.0.1
    return err.message || err.errors.map(errorMessage).join('; ');
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return err.message || (typeof code === 'string' ? code : err.name);
  }
  return String(err);
}
