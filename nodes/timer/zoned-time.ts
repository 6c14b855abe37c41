/**
 * Wall-clock time in an IANA zone without a date library: a "local" time is the wall clock's
 * fields packed as if they were UTC (`Date.UTC(y, m, d, h, mi, s)`), so calendar arithmetic on
 * it has no DST in the way; `toInstant` maps it back to a real instant.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** the wall clock of `zone` at `instant` (ms), as a local time (whole seconds) */
export function toLocal(instant: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!) + (((instant % 1000) + 1000) % 1000);
}

const DAY = 86_400_000;

/**
 * The instant a local time of `zone` names. A time that occurs twice (the hour repeated when
 * clocks go back) is its first occurrence; a time that does not occur (skipped when clocks go
 * forward) is moved on by the gap, as Temporal's `compatible` disambiguation does.
 */
export function toInstant(local: number, zone: string): number {
  // offsets are constant for far longer than a day on either side of a change
  const before = toLocal(local - DAY, zone) - (local - DAY);
  const after = toLocal(local + DAY, zone) - (local + DAY);
  const candidates = [local - before, local - after].filter((t) => toLocal(t, zone) === local);
  if (candidates.length > 0) return Math.min(...candidates);
  return local - before;
}
