import type { NodeSpec, ValidationIssue } from '../../core/node-spec.ts';

export const timerSpec: NodeSpec = {
  type: 'timer',
  category: 'trigger',
  label: 'Timer',
  description: 'Starts a run at a fixed interval (at given seconds, in a time zone) or on a cron schedule.',
  inputs: [],
  outputs: ['out'],
  trigger: true,
  paramsSchema: {
    type: 'object',
    properties: {
      unit: { enum: ['second', 'minute', 'hour', 'day', 'month'], default: 'minute', title: 'Unit' },
      interval: { type: 'integer', minimum: 1, maximum: 1000, default: 1, title: 'Interval' },
      atSeconds: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 59 }, uniqueItems: true, maxItems: 60, default: [0], title: 'At these seconds' },
      timezone: { type: 'string', minLength: 1, default: 'GMT', title: 'Time zone' },
      taskMode: { enum: ['parallel', 'serial'], default: 'parallel', title: 'Task mode' },
      runImmediately: { type: 'boolean', default: false, title: 'Run once now' },
      cron: { type: 'string', minLength: 1, title: 'Cron (5 or 6 fields, instead of unit/interval)' },
    },
    additionalProperties: false,
  },
  ui: {
    icon: 'clock',
    order: ['unit', 'interval', 'atSeconds', 'timezone', 'taskMode', 'runImmediately', 'cron'],
    help: 'Emits {payload:{firedAt}}. Serial mode never overlaps runs and records a skipped tick.',
  },
  validate: validateTimer,
};

export function validateTimer(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const tz = params['timezone'];
  if (typeof tz === 'string' && !isTimeZone(tz)) issues.push({ path: 'timezone', message: `unknown time zone "${tz}" (use an IANA name such as Europe/Paris, or GMT)` });
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

/** The 6-field cron pattern (with seconds) of unit/interval/atSeconds. */
export function scheduleToCron(params: Record<string, unknown>): string {
  if (typeof params['cron'] === 'string') return params['cron'];
  const unit = (params['unit'] as string | undefined) ?? 'minute';
  const n = (params['interval'] as number | undefined) ?? 1;
  const every = n === 1 ? '*' : `*/${n}`;
  const seconds = ((params['atSeconds'] as number[] | undefined) ?? [0]).slice().sort((a, b) => a - b);
  const sec = seconds.length > 0 ? seconds.join(',') : '0';
  switch (unit) {
    case 'second':
      return `${every} * * * * *`;
    case 'minute':
      return `${sec} ${every} * * * *`;
    case 'hour':
      return `${sec} 0 ${every} * * *`;
    case 'day':
      return `${sec} 0 0 ${n === 1 ? '*' : `1/${n}`} * *`;
    default:
      return `${sec} 0 0 1 ${n === 1 ? '*' : `1/${n}`} *`;
  }
}
