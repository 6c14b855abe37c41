/** ISO timestamps for traces; formatted at most once per millisecond (steps are recorded by the million). */
let lastMs = -1;
let lastIso = '';

export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
