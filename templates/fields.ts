/** Form fields, node params and flow parts shared by the templates, each written once. Pure data builders. */
import type { JsonSchema } from '../core/node-spec.ts';
import type { AmongCheck, TemplateEdge, TemplateNode } from './types.ts';
import { IDENT_PATTERN } from '../connectors/sql/identifiers.ts';

export const DB_TYPES = ['mysql', 'postgres', 'oracle'];

const IDENT = IDENT_PATTERN.source.slice(1, -1);
/** a column name, as the SQL nodes accept it */
export const COLUMN_PATTERN = `^${IDENT}$`;
/** `table` or `schema.table` */
export const TABLE_PATTERN = `^${IDENT}(\\.${IDENT})?$`;
/** a path into a message payload: `deviceId`, `data.deviceId`, `items[0].id` */
export const PAYLOAD_PATH_PATTERN = '^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*|\\[[0-9]+\\])*$';

export function connectionField(title: string, types: string[], description?: string): JsonSchema {
  return { type: 'string', minLength: 1, title, ...(description ? { description } : {}), 'x-widget': 'connection', 'x-connectionTypes': types };
}

export function tableField(title: string, connection: string): JsonSchema {
  return { type: 'string', pattern: TABLE_PATTERN, title, 'x-widget': 'table', 'x-connection': connection };
}

export function columnField(title: string, connection: string, table: string, description?: string): JsonSchema {
  return { type: 'string', pattern: COLUMN_PATTERN, title, ...(description ? { description } : {}), 'x-widget': 'column', 'x-connection': connection, 'x-table': table };
}

export function columnsField(title: string, connection: string, table: string, extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'array',
    items: { type: 'string', pattern: COLUMN_PATTERN },
    uniqueItems: true,
    title,
    'x-widget': 'columns',
    'x-connection': connection,
    'x-table': table,
    ...extra,
  };
}

/** target column → source field (a column, or a payload path for message sources) */
export function mappingField(title: string, description: string, target: { connection: string; table: string }, sourcePattern: string, extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'object',
    propertyNames: { pattern: COLUMN_PATTERN },
    additionalProperties: { type: 'string', pattern: sourcePattern },
    title,
    description,
    'x-widget': 'mapping',
    'x-connection': target.connection,
    'x-table': target.table,
    ...extra,
  };
}

/** "start after" value of an incremental read */
export const incrementalInitialField: JsonSchema = {
  type: ['string', 'number'],
  title: 'Start after',
  description: 'the first run reads rows whose incremental column is above this value; left empty, it reads all rows',
};

/** the incremental read's tie-breaking key, what its column holds, and the delay for late commits (SPEC §11) */
export function incrementalTuningFields(connection: string, table: string): Record<string, JsonSchema> {
  return {
    incrementalKey: columnField(
      'Key column',
      connection,
      table,
      'optional: a unique growing id (e.g. the primary key); rows sharing the incremental value are then never lost at the row limit',
    ),
    incrementalMode: {
      enum: ['incrementing', 'timestamp', 'timestamp+incrementing'],
      default: 'incrementing',
      title: 'The incremental column holds',
      'x-enumLabels': {
        incrementing: 'a growing id',
        timestamp: 'a last-modified time',
        'timestamp+incrementing': 'a last-modified time, ties broken by the key column',
      },
    },
    incrementalDelayMs: {
      type: 'integer',
      minimum: 0,
      maximum: 86_400_000,
      default: 0,
      title: 'Wait for late commits (ms)',
      description: 'time modes: rows newer than the database clock minus this are read by a later run, so transactions committing within it are not missed',
    },
  };
}

export const INCREMENTAL_TUNING_FIELDS = ['incrementalKey', 'incrementalMode', 'incrementalDelayMs'];

/** key, mode and delay of the select's incremental param, from the fields above */
const incrementalTuning = {
  key: { $if: 'incrementalKey', then: '{{incrementalKey}}' },
  mode: { $if: 'incrementalMode!=incrementing', then: '{{incrementalMode}}' },
  delayMs: { $if: 'incrementalMode=incrementing', else: '{{incrementalDelayMs}}' },
};

/** the incremental param of a select whose incremental column is always chosen */
export const incrementalRead = { column: '{{incrementalColumn}}', initial: '{{incrementalInitial}}', ...incrementalTuning };

export const writeModeField = (dflt: 'insert' | 'upsert'): JsonSchema => ({
  enum: ['insert', 'upsert'],
  default: dflt,
  title: 'Write mode',
  'x-enumLabels': { insert: 'add records', upsert: 'add or update records by key' },
});

/** keys are required when the write mode is upsert */
export const keysRequiredForUpsert: JsonSchema = {
  if: { properties: { writeMode: { const: 'upsert' } }, required: ['writeMode'] },
  then: { required: ['keys'] },
};

/** The timer's fixed-interval schedule, as ROMA Connect asks for it. */
export function scheduleProperties(taskMode: 'parallel' | 'serial'): Record<string, JsonSchema> {
  return {
    unit: { enum: ['second', 'minute', 'hour', 'day', 'month'], default: 'minute', title: 'Unit' },
    interval: { type: 'integer', minimum: 1, maximum: 1000, default: 1, title: 'Interval' },
    atSeconds: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 59 }, uniqueItems: true, maxItems: 60, default: [0], title: 'At these seconds' },
    timezone: { type: 'string', minLength: 1, default: 'GMT', title: 'Time zone', 'x-widget': 'timezone' },
    taskMode: {
      enum: ['parallel', 'serial'],
      default: taskMode,
      title: 'Task mode',
      'x-enumLabels': { parallel: 'runs may overlap', serial: 'never start a run while the last one runs' },
    },
    runImmediately: { type: 'boolean', default: false, title: 'Run once now' },
  };
}

export const SCHEDULE_FIELDS = ['unit', 'interval', 'atSeconds', 'timezone', 'taskMode', 'runImmediately'];

/** timer params taken from the schedule fields */
export const timerParams: Record<string, string> = Object.fromEntries(SCHEDULE_FIELDS.map((f) => [f, `{{${f}}}`]));

/** the select's incremental read, present only when an incremental column is chosen */
export const incrementalParam = {
  $if: 'incrementalColumn',
  then: incrementalRead,
};

/** key columns, only for upsert */
export const keysParam = { $if: 'writeMode=upsert', then: '{{keys}}' };

// ── flow parts several templates share ──

/** the mapping may only use fields the source read gives */
export const MAPPING_USES_READ_FIELDS: AmongCheck = {
  kind: 'among', param: 'mapping', use: 'values', among: 'fields', amongUse: 'items', message: 'maps a field that is not among the fields to read',
};

/** an upsert's key columns must be written by the mapping */
export const KEYS_IN_MAPPING: AmongCheck = {
  kind: 'among', param: 'keys', use: 'items', among: 'mapping', amongUse: 'keys', message: 'names a key column that the mapping does not write',
};

/** the timer of a scheduled template, on the schedule the form asked for */
export function scheduleTimer(id: string): TemplateNode {
  return { id, type: 'timer', name: 'Timer', params: timerParams, position: { x: 80, y: 120 } };
}

/** reads the source table: its chosen fields, only rows past the watermark when an incremental column is chosen */
export function readSource(id: string, o: { type?: string; name?: string; incremental?: unknown } = {}): TemplateNode {
  return {
    id,
    type: o.type ?? '{{source:type}}',
    name: o.name ?? 'Get new records',
    params: {
      connection: '{{source}}',
      action: 'select',
      table: '{{sourceTable}}',
      fields: '{{fields}}',
      incremental: o.incremental ?? incrementalParam,
      limit: '{{limit}}',
    },
    position: { x: 320, y: 120 },
  };
}

/**
 * The flow of the message-to-table templates: the trigger `source`, a set node that maps the
 * message's fields to columns (only when a mapping is given), then the write into the table.
 */
/**
 * "Mapped fields are required" (default on): a message that lacks a mapped field fails its run
 * naming the field, instead of writing a row of NULLs (issue 8 finding 6).
 */
export const requireMappedField: JsonSchema = {
  type: 'boolean',
  default: true,
  title: 'Mapped fields are required',
  description: 'a message that lacks a mapped field (or has it null) fails its run naming the field; no row of it is written',
};

/**
 * Records the target database rejects (a constraint, a value of the wrong type): tried a few
 * times, then written to a dead-letter table in the target (on by default: a bad record never
 * blocks the stream nor is lost). A database that is down is waited for, never dead-lettered.
 */
export const deadLetterFields: Record<'maxAttempts' | 'deadLetterTable', JsonSchema> = {
  maxAttempts: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 3,
    title: 'Max attempts',
    description: 'tries per record the database rejects before it is dead-lettered; a database that is down is waited for and not counted',
  },
  deadLetterTable: {
    type: 'string',
    pattern: `^$|${TABLE_PATTERN}`,
    default: 'tributary_dead_letters',
    title: 'Dead-letter table',
    description:
      'rejected records and records lacking a required field go here (created if missing) with the error; left empty, such a record fails its run instead',
    'x-widget': 'table',
    'x-connection': 'target',
  },
};

/** the write node's `required`: column → the payload path it is mapped from, when `requireMapped` is on */
export const requiredParam = { $if: 'requireMapped', then: { $map: 'mapping', value: '{{$value}}' } };

export function mapThenWrite(source: TemplateNode, mapId: string, writeId: string): { nodes: TemplateNode[]; edges: TemplateEdge[] } {
  return {
    nodes: [
      source,
      {
        id: mapId,
        when: 'mapping',
        type: 'set',
        name: 'Map fields',
        params: { fields: { $map: 'mapping', key: 'payload.{{$key}}', value: '${payload.{{$value}}}' }, mode: 'replace' },
        position: { x: 320, y: 120 },
      },
      {
        id: writeId,
        type: '{{target:type}}',
        name: 'Write record',
        params: { connection: '{{target}}', action: '{{writeMode}}', table: '{{targetTable}}', keys: keysParam, required: requiredParam,
          maxAttempts: '{{maxAttempts}}', deadLetter: { $if: 'deadLetterTable', then: '{{deadLetterTable}}' } },
        position: { x: 560, y: 120 },
      },
    ],
    edges: [
      { source: source.id, target: mapId },
      { source: mapId, target: writeId },
      { source: source.id, target: writeId, when: '!mapping' },
    ],
  };
}
