/** Bounded exponential backoff of redeliveries: first, 2×first, 4×first… up to max. */
export function redeliveryDelay(attempt: number, firstMs: number, maxMs: number): number {
  const exp = Math.min(30, Math.max(0, attempt - 1));
  return Math.min(maxMs, firstMs * 2 ** exp);
}
