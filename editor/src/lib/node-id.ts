/** New nodes get a 6-digit number, as in ROMA Connect, so expressions read `${500885|payload.aa}`. */

export function newNodeId(taken: ReadonlySet<string>, random: () => number = Math.random): string {
  for (let i = 0; i < 10_000; i++) {
    const id = String(100000 + Math.floor(random() * 900000));
    if (!taken.has(id)) return id;
  }
  // practically unreachable: 900 000 ids; fall back to the next free number
  let n = 100000;
  while (taken.has(String(n))) n++;
  return String(n);
}
