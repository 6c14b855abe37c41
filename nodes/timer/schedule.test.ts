/**
 * Issue 8, finding 11: "every 7 minutes" fired 17:56, 18:00, 18:07 (a cron `*\/7` restarts at
 * every hour). Every N units now counts on from an anchor: checked as pure schedule
 * computation across hour, day, month and year boundaries and both DST changes of an IANA zone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaChecker } from '../../core/schema-check.ts';
import { timerNode, timerSpec, type TimerParams } from './spec.ts';
import { timerSchedule } from './schedule.ts';
import { toInstant, toLocal } from './zoned-time.ts';

const checker = new SchemaChecker();
const MIN = 60_000;
const HOUR = 60 * MIN;

function firings(params: Record<string, unknown>, from: string, n: number, startedAt = from): Date[] {
  const schedule = timerSchedule(checker.withDefaults(timerSpec.paramsSchema, params) as TimerParams, new Date(startedAt));
  const out: Date[] = [];
  for (let t: Date | undefined = new Date(from); out.length < n && (t = schedule.next(t)); ) out.push(t);
  return out;
}
const iso = (ds: Date[]): string[] => ds.map((d) => d.toISOString().replace(':00.000Z', 'Z'));
const gaps = (ds: Date[]): number[] => ds.slice(1).map((d, i) => d.getTime() - ds[i]!.getTime());
/** wall-clock text of an instant in a zone, e.g. "03-29 03:00" */
const wall = (d: Date, zone: string): string => new Date(toLocal(d.getTime(), zone)).toISOString().slice(5, 16).replace('T', ' ');

test('every 7 minutes is 7 minutes apart across hours and midnight (not 17:56, 18:00, 18:07)', () => {
  const runs = firings({ unit: 'minute', interval: 7 }, '2026-12-02T17:50:00Z', 300); // 35 hours
  assert.ok(gaps(runs).every((g) => g === 7 * MIN), `gaps ${[...new Set(gaps(runs))].join(',')}`);
  assert.ok(runs.some((d) => d.toISOString().startsWith('2026-12-03T00')), 'crosses midnight');
  // counted from the flow's start: started 17:53:20, fires at second 0 of 18:00, 18:07, …
  assert.deepEqual(iso(firings({ unit: 'minute', interval: 7, anchor: 'start' }, '2026-12-02T17:53:20Z', 4)), [
    '2026-12-02T18:00Z', '2026-12-02T18:07Z', '2026-12-02T18:14Z', '2026-12-02T18:21Z',
  ]);
  // from a chosen local time, at the given seconds
  assert.deepEqual(iso(firings({ unit: 'minute', interval: 7, atSeconds: [30], anchor: '2026-12-02T08:05', timezone: 'Asia/Shanghai' }, '2026-12-02T00:00:00Z', 2)), [
    '2026-12-02T00:05:30.000Z', '2026-12-02T00:12:30.000Z',
  ]);
  // every 7 seconds keeps 7 s across minutes
  assert.ok(gaps(firings({ unit: 'second', interval: 7 }, '2026-12-02T17:59:50Z', 30)).every((g) => g === 7000));
});

test('every 5 hours, 2 days and 5 months keep their gap across days, months and years', () => {
  const hours = firings({ unit: 'hour', interval: 5 }, '2026-12-02T12:00:00Z', 20);
  assert.ok(gaps(hours).every((g) => g === 5 * HOUR), `hour gaps ${[...new Set(gaps(hours))].join(',')}`);
  const days = firings({ unit: 'day', interval: 2, anchor: '2026-01-26' }, '2026-01-27T00:00:00Z', 4);
  assert.deepEqual(iso(days), ['2026-01-28T00:00Z', '2026-01-30T00:00Z', '2026-02-01T00:00Z', '2026-02-03T00:00Z']);
  const months = firings({ unit: 'month', interval: 5, atSeconds: [5] }, '2026-01-15T00:00:00Z', 4);
  // counted from January 2000: 2026-04 is month 315 = 63 × 5
  assert.deepEqual(iso(months), ['2026-04-01T00:00:05.000Z', '2026-09-01T00:00:05.000Z', '2027-02-01T00:00:05.000Z', '2027-07-01T00:00:05.000Z'], 'across the year end');
  // intervals that divide their unit stay where cron put them (every 15 minutes at :00, :15, …)
  assert.deepEqual(iso(firings({ unit: 'minute', interval: 15 }, '2026-12-02T17:50:00Z', 3)), ['2026-12-02T18:00Z', '2026-12-02T18:15Z', '2026-12-02T18:30Z']);
});

test('DST in Europe/Paris: minutes stay elapsed time; hours and days follow the wall clock', () => {
  const zone = 'Europe/Paris';
  // spring forward, 29 March 2026 02:00 → 03:00 local (01:00 UTC)
  const spring = firings({ unit: 'minute', interval: 7, timezone: zone }, '2026-03-28T23:00:00Z', 40);
  assert.ok(gaps(spring).every((g) => g === 7 * MIN), 'every 7 minutes through the change');
  assert.deepEqual(firings({ unit: 'hour', interval: 1, timezone: zone }, '2026-03-28T22:30:00Z', 4).map((d) => wall(d, zone)), [
    '03-29 00:00', '03-29 01:00', '03-29 03:00', '03-29 04:00', // 02:00 does not exist that night
  ]);
  assert.deepEqual(firings({ unit: 'hour', interval: 6, timezone: zone }, '2026-03-28T22:30:00Z', 4).map((d) => wall(d, zone)), [
    '03-29 00:00', '03-29 06:00', '03-29 12:00', '03-29 18:00',
  ]);
  const days = firings({ unit: 'day', interval: 1, timezone: zone }, '2026-03-27T12:00:00Z', 3);
  assert.deepEqual(iso(days), ['2026-03-27T23:00Z', '2026-03-28T23:00Z', '2026-03-29T22:00Z'], 'midnight local, a 23-hour day');
  // fall back, 25 October 2026 03:00 → 02:00 local (01:00 UTC): 02:00 comes twice, fires once
  const autumn = firings({ unit: 'minute', interval: 7, timezone: zone }, '2026-10-24T23:00:00Z', 40);
  assert.ok(gaps(autumn).every((g) => g === 7 * MIN), 'every 7 minutes through the change');
  assert.deepEqual(iso(firings({ unit: 'hour', interval: 1, timezone: zone }, '2026-10-24T21:30:00Z', 5)), [
    '2026-10-24T22:00Z', '2026-10-24T23:00Z', '2026-10-25T00:00Z', '2026-10-25T02:00Z', '2026-10-25T03:00Z',
  ]);
  assert.deepEqual(iso(firings({ unit: 'day', interval: 1, timezone: zone }, '2026-10-24T12:00:00Z', 2)), ['2026-10-24T22:00Z', '2026-10-25T23:00Z'], 'a 25-hour day');
});

test('local times map to instants: first of a repeated hour, a skipped one moves on by the gap', () => {
  const zone = 'America/New_York';
  assert.equal(new Date(toInstant(Date.UTC(2026, 2, 8, 2, 30), zone)).toISOString(), '2026-03-08T07:30:00.000Z'); // 03:30 EDT
  assert.equal(new Date(toInstant(Date.UTC(2026, 10, 1, 1, 30), zone)).toISOString(), '2026-11-01T05:30:00.000Z'); // 01:30 EDT, not EST
  assert.equal(new Date(toInstant(Date.UTC(2026, 0, 1), 'Etc/GMT')).toISOString(), '2026-01-01T00:00:00.000Z');
});

test('a bad anchor is refused with the field named', () => {
  const validate = timerNode.logic!.validate!;
  assert.deepEqual(validate({ anchor: '2026-02-30' }).map((i) => i.path), ['anchor']);
  assert.deepEqual(validate({ anchor: 'start' }), []);
  assert.deepEqual(validate({ anchor: '2026-02-28T23:59' }), []);
  assert.ok(checker.check(timerSpec.paramsSchema, { anchor: 'tomorrow' }, 'params').some((i) => i.path === 'params.anchor'));
});
