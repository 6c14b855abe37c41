/** Runs a driver's connection test with a hard deadline; the result is data, never a throw. */
import type { ConnectionProfileResolved, ConnectionDriver } from './driver-api.ts';
import { errorMessage } from '../../core/guards.ts';

import { connectionTestHint } from './test-hint.ts';

/** `hint`: plain language beside the driver's text (server/connections/test-hint.ts) */
export type ConnectionTestResult = { ok: true } | { ok: false; error: string; hint?: string };

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
  })().catch((err: unknown): ConnectionTestResult => {
    const hint = connectionTestHint(err, { host: profile.params['host'], port: profile.params['port'] });
    return hint ? { ok: false, error: errorMessage(err), hint } : { ok: false, error: errorMessage(err) };
  });
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

