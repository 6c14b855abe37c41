/**
 * When a timer fires. `interval N` of a unit counts N units on from an anchor, so the gaps are
 * always N units, also when N does not divide the next larger unit (a cron `*\/7` minute field
 * restarts at every hour: 17:56, 18:00, 18:07). Seconds and minutes are elapsed time (every 7
 * minutes stays 7 minutes through a DST change); hours, days and months are counted on the
 * zone's wall clock (every day at midnight local time, 23 or 25 hours apart across a change; a
 * wall time the change skips fires when the clock reaches it, one it repeats fires once).
 */
import { Cron } from 'croner';
import { parseLocalDateTime, type TimerParams } from './spec.ts';
import { toInstant, toLocal } from './zoned-time.ts';

export interface Schedule {
  /** the first firing strictly after `after`, or undefined when there is none */
  next(after: Date): Date | undefined;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** the zone name Intl and croner know ('GMT' is the timer's name for UTC) */
export const zoneOf = (timezone: string): string => (timezone === 'GMT' ? 'Etc/GMT' : timezone);

/** where the count starts when `anchor` is not set: local midnight, 1 January 2000 (keeps divisors of the unit aligned: every 15 minutes at :00, :15, …) */
const DEFAULT_ANCHOR = Date.UTC(2000, 0, 1);

type IntervalParams = Pick<TimerParams, 'unit' | 'interval' | 'atSeconds' | 'timezone'> & { anchor?: string | undefined };

/** the timer's schedule: its cron expression, or unit/interval/atSeconds counted from the anchor */
export function timerSchedule(params: IntervalParams & { cron?: string | undefined }, startedAt: Date): Schedule {
  const zone = zoneOf(params.timezone);
  if (params.cron !== undefined) {
    const cron = new Cron(params.cron, { timezone: zone, paused: true });
    return { next: (after) => cron.nextRun(after) ?? undefined };
  }
  return intervalSchedule(params, startedAt);
}

export function intervalSchedule(params: IntervalParams, startedAt: Date): Schedule {
  const zone = zoneOf(params.timezone);
  const n = params.interval;
  const anchorLocal = params.anchor === undefined || params.anchor === 'start'
    ? (params.anchor === 'start' ? toLocal(startedAt.getTime(), zone) : DEFAULT_ANCHOR)
    : parseLocalDateTime(params.anchor) ?? DEFAULT_ANCHOR;
  const offsets = params.unit === 'second' ? [0] : [...new Set(params.atSeconds.length > 0 ? params.atSeconds : [0])].sort((a, b) => a - b).map((s) => s * SECOND);

  if (params.unit === 'second' || params.unit === 'minute') {
    // elapsed time: slots at anchor + k·period (+ each at-second)
    const unitMs = params.unit === 'second' ? SECOND : MINUTE;
    const period = n * unitMs;
    const anchorInstant = params.anchor === 'start' ? startedAt.getTime() : toInstant(anchorLocal, zone);
    const base = Math.floor(anchorInstant / unitMs) * unitMs;
    return {
      next(after) {
        const t = after.getTime();
        let best = Infinity;
        for (const off of offsets) {
          const k = Math.floor((t - base - off) / period) + 1;
          best = Math.min(best, base + k * period + off);
        }
        return new Date(best);
      },
    };
  }

  // wall clock: slot k is a local time, anchor + k units, mapped to its instant
  const a = new Date(anchorLocal);
  let slot: (k: number) => number;
  let approxK: (local: number) => number;
  if (params.unit === 'month') {
    const y = a.getUTCFullYear();
    const m = a.getUTCMonth();
    slot = (k) => Date.UTC(y, m + k * n, 1);
    approxK = (local) => {
      const d = new Date(local);
      return Math.floor(((d.getUTCFullYear() - y) * 12 + d.getUTCMonth() - m) / n);
    };
  } else {
    const unitMs = params.unit === 'hour' ? HOUR : DAY;
    const base = Math.floor(anchorLocal / unitMs) * unitMs;
    slot = (k) => base + k * n * unitMs;
    approxK = (local) => Math.floor((local - base) / (n * unitMs));
  }
  return {
    next(after) {
      const t = after.getTime();
      // start a slot early: around a DST change the local time of `after` is an hour off the slot's
      for (let k = approxK(toLocal(t, zone)) - 1; ; k++) {
        for (const off of offsets) {
          const at = toInstant(slot(k) + off, zone);
          if (at > t) return new Date(at);
        }
      }
    },
  };
}
