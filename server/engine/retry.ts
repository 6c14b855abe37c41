import type { RetryPolicy } from '../../core/flow-types.ts';

const MAX_BACKOFF_MS = 30_000;

/** Delay before retry number `attempt` (1-based): exponential, bounded. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const base = policy.backoffMs ?? 500;
  return Math.min(base * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
