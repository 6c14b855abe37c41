/**
 * Scheduled table sync between any two of MySQL, PostgreSQL and Oracle: the node types follow
 * the chosen connections. Batched for speed: each page the select reads goes to the target as
 * one payload array (no loop), written `batchSize` rows per round trip. The incremental column
 * keeps a watermark committed only when the run succeeds, and upsert by key makes a rerun of
 * a failed run harmless.
 */
import type { FlowTemplate } from '../types.ts';
import {
  COLUMN_PATTERN, DB_TYPES, KEYS_IN_MAPPING, MAPPING_USES_READ_FIELDS, SCHEDULE_FIELDS, columnField, columnsField, connectionField, incrementalInitialField, incrementalTuningFields, INCREMENTAL_TUNING_FIELDS, keysParam, keysRequiredForUpsert, mappingField, readSource, scheduleProperties, scheduleTimer, tableField, writeModeField,
} from '../fields.ts';

export const dbToDbSync: FlowTemplate = {
  id: 'db-to-db-sync',
  name: 'Scheduled database to database sync',
  description:
    'On a schedule, copy new or changed rows from a MySQL, PostgreSQL or Oracle table to a table in any of them: ' +
    'an incremental column picks the rows not read yet, and upsert by key keeps the target free of duplicates.',
  category: 'database',
  tags: ['定时同步', 'scheduled', 'sync', 'incremental', 'upsert', 'mysql', 'postgres', 'oracle'],
  params: {
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'target', 'sourceTable', 'targetTable'],
      properties: {
        source: connectionField('Source connection', DB_TYPES, 'MySQL, PostgreSQL or Oracle'),
        target: connectionField('Target connection', DB_TYPES, 'MySQL, PostgreSQL or Oracle'),
        sourceTable: tableField('Source table', 'source'),
        fields: columnsField('Fields to read', 'source', 'sourceTable', { description: 'left empty, every column is read' }),
        incrementalColumn: columnField(
          'Incremental column',
          'source',
          'sourceTable',
          'an ever-growing column (auto-increment id, change sequence, update time): each run reads only rows above the last value read',
        ),
        incrementalInitial: incrementalInitialField,
        ...incrementalTuningFields('source', 'sourceTable'),
        targetTable: tableField('Target table', 'target'),
        mapping: mappingField(
          'Column mapping',
          'target column → source field; left empty, each field is written to the target column of the same name',
          { connection: 'target', table: 'targetTable' },
          COLUMN_PATTERN,
        ),
        writeMode: writeModeField('upsert'),
        keys: columnsField('Key columns', 'target', 'targetTable', { minItems: 1, description: 'target columns that identify a row (upsert)' }),
        limit: { type: 'integer', minimum: 1, title: 'Most rows per run', description: 'left empty, every new row is read (page by page)' },
        batchSize: { type: 'integer', minimum: 1, maximum: 10000, default: 500, title: 'Rows per write' },
        exactlyOnce: {
          type: 'boolean',
          default: false,
          title: 'Exactly once',
          description: 'with an incremental column, MySQL or PostgreSQL target: each page is written with the source position in one target transaction (table tributary_offsets), so nothing is written twice, even after a crash',
        },
        ...scheduleProperties('serial'),
      },
      ...keysRequiredForUpsert,
    },
    steps: [
      { id: 'connections', title: 'Connections', fields: ['source', 'target'] },
      {
        id: 'tables',
        title: 'Tables and fields',
        fields: ['sourceTable', 'fields', 'incrementalColumn', 'incrementalInitial', ...INCREMENTAL_TUNING_FIELDS, 'targetTable', 'mapping', 'writeMode', 'keys', 'limit', 'batchSize', 'exactlyOnce'],
      },
      { id: 'schedule', title: 'Schedule', fields: SCHEDULE_FIELDS },
    ],
    showIf: { keys: { writeMode: ['upsert'] } },
    checks: [MAPPING_USES_READ_FIELDS, KEYS_IN_MAPPING],
  },
  flow: {
    name: 'Scheduled database to database sync',
    nodes: [
      scheduleTimer('610201'),
      readSource('610202'),
      {
        id: '610203',
        type: '{{target:type}}',
        name: 'Write records',
        params: {
          connection: '{{target}}',
          action: '{{writeMode}}',
          table: '{{targetTable}}',
          keys: keysParam,
          values: { $map: 'mapping', value: '${payload.{{$value}}}' },
          batchSize: '{{batchSize}}',
          exactlyOnce: { $if: 'exactlyOnce=true', then: true },
        },
        position: { x: 560, y: 120 },
      },
    ],
    edges: [
      { source: '610201', sourcePort: 'out', target: '610202', targetPort: 'in' },
      { source: '610202', sourcePort: 'out', target: '610203', targetPort: 'in' },
    ],
  },
};
