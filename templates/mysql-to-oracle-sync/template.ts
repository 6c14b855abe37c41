/**
 * ROMA Connect's "定时同步MySQL中的数据到Oracle" (scheduled MySQL → Oracle sync), node for node:
 * timer → MySQL get records → loop (id 500885) → Oracle add records, each target column set to
 * `${500885|payload.<source field>}`. Unlike ROMA, an optional incremental column keeps a
 * watermark so each run reads only rows it has not read yet.
 */
import type { FlowTemplate } from '../types.ts';
import {
  COLUMN_PATTERN, MAPPING_USES_READ_FIELDS, SCHEDULE_FIELDS, columnField, columnsField, connectionField, incrementalInitialField, incrementalTuningFields, INCREMENTAL_TUNING_FIELDS, mappingField, readSource, scheduleProperties, scheduleTimer, tableField,
} from '../fields.ts';

export const mysqlToOracleSync: FlowTemplate = {
  id: 'mysql-to-oracle-sync',
  name: 'Scheduled MySQL to Oracle sync',
  description:
    'On a schedule, read records from a MySQL table and add them, row by row, to an Oracle table ' +
    '(timer → MySQL get records → loop → Oracle add records). Choose an incremental column to read only new rows.',
  category: 'database',
  tags: ['定时同步', 'scheduled', 'sync', 'mysql', 'oracle', 'roma'],
  params: {
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'target', 'sourceTable', 'fields', 'targetTable', 'mapping'],
      properties: {
        source: connectionField('MySQL connection', ['mysql'], 'where the records are read'),
        target: connectionField('Oracle connection', ['oracle'], 'where the records are added'),
        sourceTable: tableField('MySQL table', 'source'),
        fields: columnsField('Fields to read', 'source', 'sourceTable', { minItems: 1 }),
        targetTable: tableField('Oracle table', 'target'),
        mapping: mappingField(
          'Column mapping',
          'Oracle column → MySQL field; each column is set to ${500885|payload.<field>}',
          { connection: 'target', table: 'targetTable' },
          COLUMN_PATTERN,
          { minProperties: 1 },
        ),
        incrementalColumn: columnField('Incremental column', 'source', 'sourceTable', 'optional: read only rows whose value here is above the last one read'),
        incrementalInitial: incrementalInitialField,
        ...incrementalTuningFields('source', 'sourceTable'),
        limit: { type: 'integer', minimum: 1, title: 'Most rows per run' },
        ...scheduleProperties('parallel'),
      },
    },
    steps: [
      { id: 'connections', title: 'Connections', fields: ['source', 'target'] },
      { id: 'tables', title: 'Tables and fields', fields: ['sourceTable', 'fields', 'targetTable', 'mapping', 'incrementalColumn', 'incrementalInitial', ...INCREMENTAL_TUNING_FIELDS, 'limit'] },
      { id: 'schedule', title: 'Schedule', fields: SCHEDULE_FIELDS },
    ],
    checks: [MAPPING_USES_READ_FIELDS],
  },
  flow: {
    name: 'Scheduled MySQL to Oracle sync',
    nodes: [
      scheduleTimer('415940'),
      readSource('415941', { type: 'mysql', name: 'Get records' }),
      { id: '500885', type: 'loop', name: 'Loop', params: {}, position: { x: 560, y: 120 } },
      {
        id: '415943',
        type: 'oracle',
        name: 'Add records',
        params: {
          connection: '{{target}}',
          action: 'insert',
          table: '{{targetTable}}',
          values: { $map: 'mapping', value: '${500885|payload.{{$value}}}' },
        },
        position: { x: 800, y: 120 },
      },
    ],
    edges: [
      { source: '415940', sourcePort: 'out', target: '415941', targetPort: 'in' },
      { source: '415941', sourcePort: 'out', target: '500885', targetPort: 'in' },
      { source: '500885', sourcePort: 'each', target: '415943', targetPort: 'in' },
    ],
  },
};
