import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../core/node-spec.ts';
import { Enum, Type, jsonSchema, withDefault, type ParamsOf } from '../../core/params-schema.ts';

const params = Type.Object(
  {
    unit: withDefault(Enum(['second', 'minute', 'hour', 'day', 'month'], { title: 'Unit' }), 'minute'),
    interval: withDefault(Type.Integer({ minimum: 1, maximum: 1000, title: 'Interval' }), 1),
    atSeconds: withDefault(Type.Array(Type.Integer({ minimum: 0, maximum: 59 }), { uniqueItems: true, maxItems: 60, title: 'At these seconds' }), [0]),
    timezone: withDefault(Type.String({ minLength: 1, title: 'Time zone' }), 'GMT'),
    taskMode: withDefault(Enum(['parallel', 'serial'], { title: 'Task mode' }), 'parallel'),
    runImmediately: withDefault(Type.Boolean({ title: 'Run once now' }), false),
    anchor: Type.Optional(Type.String({
      pattern: '^(start|\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?)?)$',
      title: 'Count intervals from ("start", or a local date-time such as 2026-01-01T08:00)',
    })),
    cron: Type.Optional(Type.String({ minLength: 1, title: 'Cron (5 or 6 fields, instead of unit/interval)' })),
  },
  { additionalProperties: false },
);
export type TimerParams = ParamsOf<typeof params>;

export const timerSpec: NodeSpec = {
  type: 'timer',
  category: 'trigger',
  label: 'Timer',
  description: 'Starts a run at a fixed interval (at given seconds, in a time zone) or on a cron schedule.',
  inputs: [],
  outputs: ['out'],
  trigger: { kind: 'schedule' },
  paramsSchema: jsonSchema(params),
  ui: {
    icon: 'clock',
    order: ['unit', 'interval', 'atSeconds', 'timezone', 'anchor', 'taskMode', 'runImmediately', 'cron'],
    help: 'Emits {payload:{firedAt}}. Every N units counts on from the anchor (default local midnight, 1 Jan 2000), so the gaps are always N units. Serial mode never overlaps runs and records a skipped tick.',
  },
};

export const timerNode: NodeDefinition = { spec: timerSpec, logic: { validate: validateTimer } };

export function validateTimer(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tz = params['timezone'];
  if (typeof tz === 'string' && !isTimeZone(tz)) issues.push({ path: 'timezone', message: `unknown time zone "${tz}" (use an IANA name such as Europe/Paris, or GMT)` });
  const anchor = params['anchor'];
  if (typeof anchor === 'string' && anchor !== 'start' && parseLocalDateTime(anchor) === undefined) {
    issues.push({ path: 'anchor', message: `"${anchor}" is not "start" or a local date-time such as 2026-01-01T08:00` });
  }
  const cron = params['cron'];
  if (typeof cron === 'string') {
    const fields = cron.trim().split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) issues.push({ path: 'cron', message: `a cron expression has 5 or 6 fields, this one has ${fields.length}` });
  }
  return issues;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** a local date-time `YYYY-MM-DD[THH:MM[:SS]]` as a local time, or undefined */
export function parseLocalDateTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  // 2026-02-30 or 25:00 would roll over: refuse instead
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi) return undefined;
  return t;
}
