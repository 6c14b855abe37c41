/**
 * New database rows onto a Kafka topic (Kafka Connect's JDBC source in incrementing mode):
 * timer → incremental select → one record per row (loop, keyed by a column so a row's records
 * keep their order) or one record per page holding the rows as a JSON array. The watermark is
 * committed only when every record of the run was acknowledged.
 */
import type { FlowTemplate } from '../types.ts';
import {
  DB_TYPES, SCHEDULE_FIELDS, columnField, columnsField, connectionField, incrementalInitialField, incrementalTuningFields, INCREMENTAL_TUNING_FIELDS, incrementalRead, readSource, scheduleProperties, scheduleTimer, tableField,
} from '../fields.ts';

export const dbToKafka: FlowTemplate = {
  id: 'db-to-kafka',
  name: 'New database rows to a Kafka topic',
  description:
    'On a schedule, read the rows added to a MySQL, PostgreSQL or Oracle table since the last run and publish them ' +
    'to a Kafka topic, one record per row or one record per batch.',
  category: 'messaging',
  tags: ['kafka', 'cdc', 'incremental', 'scheduled', 'mysql', 'postgres', 'oracle'],
  params: {
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'kafka', 'sourceTable', 'incrementalColumn', 'topic'],
      properties: {
        source: connectionField('Database connection', DB_TYPES, 'MySQL, PostgreSQL or Oracle'),
        kafka: connectionField('Kafka connection', ['kafka']),
        sourceTable: tableField('Table', 'source'),
        fields: columnsField('Fields to read', 'source', 'sourceTable', { description: 'left empty, every column is read' }),
        incrementalColumn: columnField('Incremental column', 'source', 'sourceTable', 'an ever-growing column: each run reads only rows above the last value read'),
        incrementalInitial: incrementalInitialField,
        ...incrementalTuningFields('source', 'sourceTable'),
        limit: { type: 'integer', minimum: 1, title: 'Most rows per run' },
        topic: { type: 'string', minLength: 1, maxLength: 249, pattern: '^[A-Za-z0-9._-]+$', title: 'Topic' },
        mode: {
          enum: ['perRow', 'batch'],
          default: 'perRow',
          title: 'Records',
          'x-enumLabels': { perRow: 'one record per row', batch: 'one record per batch (a JSON array of rows)' },
        },
        keyField: columnField('Record key column', 'source', 'sourceTable', 'optional: rows with the same key go to the same partition, in order'),
        ...scheduleProperties('serial'),
      },
    },
    steps: [
      { id: 'connections', title: 'Connections', fields: ['source', 'kafka'] },
      { id: 'tables', title: 'Table, fields and topic', fields: ['sourceTable', 'fields', 'incrementalColumn', 'incrementalInitial', ...INCREMENTAL_TUNING_FIELDS, 'limit', 'topic', 'mode', 'keyField'] },
      { id: 'schedule', title: 'Schedule', fields: SCHEDULE_FIELDS },
    ],
    showIf: { keyField: { mode: ['perRow'] } },
    checks: [{ kind: 'among', param: 'keyField', use: 'value', among: 'fields', amongUse: 'items', message: 'is not among the fields to read' }],
  },
  flow: {
    name: 'New database rows to a Kafka topic',
    nodes: [
      scheduleTimer('940501'),
      // the incremental column is required here: always an incremental read
      readSource('940502', { incremental: incrementalRead }),
      { id: '940503', when: 'mode=perRow', type: 'loop', name: 'Each row', params: {}, position: { x: 560, y: 120 } },
      {
        id: '940504',
        when: 'mode=perRow',
        type: 'kafka-out',
        name: 'Publish row',
        params: {
          connection: '{{kafka}}',
          topic: '{{topic}}',
          key: { $if: 'keyField', then: '${940503|payload.{{keyField}}}' },
          value: '${940503|payload}',
        },
        position: { x: 800, y: 120 },
      },
      {
        id: '940505',
        when: 'mode=batch',
        type: 'kafka-out',
        name: 'Publish batch',
        params: { connection: '{{kafka}}', topic: '{{topic}}', value: '${payload}' },
        position: { x: 560, y: 120 },
      },
    ],
    edges: [
      { source: '940501', target: '940502' },
      { source: '940502', target: '940503' },
      { source: '940503', sourcePort: 'each', target: '940504' },
      { source: '940502', target: '940505' },
    ],
  },
};
