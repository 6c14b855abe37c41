/** When http-request tries again, and how long it waits first. */

export const MAX_RETRY_DELAY_MS = 30_000;

/** 429 and 5xx except 501 (not implemented never heals) */
export function retryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** exponential: `base`, 2×base, 4×base… capped */
export function backoffMs(base: number, retry: number): number {
  return Math.min(base * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
}

/** Retry-After as ms (seconds or an HTTP date), bounded; undefined when absent or unreadable */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_DELAY_MS);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
