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
    order: ['unit', 'interval', 'atSeconds', 'timezone', 'taskMode', 'runImmediately', 'cron'],
    help: 'Emits {payload:{firedAt}}. Serial mode never overlaps runs and records a skipped tick.',
  },
};

export const timerNode: NodeDefinition = { spec: timerSpec, logic: { validate: validateTimer } };

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
export function scheduleToCron(params: Pick<TimerParams, 'cron' | 'unit' | 'interval' | 'atSeconds'>): string {
  if (params.cron !== undefined) return params.cron;
  const unit = params.unit;
  const n = params.interval;
  const every = n === 1 ? '*' : `*/${n}`;
  const seconds = params.atSeconds.slice().sort((a, b) => a - b);
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
