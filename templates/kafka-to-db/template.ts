/**
 * Kafka records into a database table (ROMA's MQS → MySQL real-time integration, Kafka
 * Connect's JDBC sink in upsert mode). kafka-in commits a record's offset only after its run
 * succeeded, so delivery is at least once; upsert by key makes a redelivered record harmless.
 */
import type { FlowTemplate } from '../types.ts';
import { DB_TYPES, KEYS_IN_MAPPING, PAYLOAD_PATH_PATTERN, columnsField, connectionField, keysRequiredForUpsert, mappingField, deadLetterFields, mapThenWrite, requireMappedField, tableField, writeModeField } from '../fields.ts';

export const kafkaToDb: FlowTemplate = {
  id: 'kafka-to-db',
  name: 'Kafka topic to a database table',
  description:
    'Consume a Kafka topic and upsert every JSON record into a MySQL, PostgreSQL or Oracle table. ' +
    'At least once: an offset is committed only after its record was written, and upsert by key absorbs redeliveries.',
  category: 'messaging',
  tags: ['kafka', 'mqs', 'real-time', 'upsert', 'at-least-once', 'mysql', 'postgres', 'oracle'],
  params: {
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['kafka', 'target', 'topic', 'groupId', 'targetTable'],
      properties: {
        kafka: connectionField('Kafka connection', ['kafka']),
        target: connectionField('Database connection', DB_TYPES, 'MySQL, PostgreSQL or Oracle'),
        topic: { type: 'string', minLength: 1, maxLength: 249, pattern: '^[A-Za-z0-9._-]+$', title: 'Topic' },
        groupId: { type: 'string', minLength: 1, title: 'Consumer group', description: 'flows with the same group share the topic’s partitions' },
        targetTable: tableField('Table', 'target'),
        mapping: mappingField(
          'Column mapping',
          'column → record path (id, data.amount); left empty, the record’s fields are written to the same-named columns',
          { connection: 'target', table: 'targetTable' },
          PAYLOAD_PATH_PATTERN,
        ),
        requireMapped: requireMappedField,
        ...deadLetterFields,
        fromBeginning: { type: 'boolean', default: false, title: 'From the beginning', description: 'a new group starts at the oldest record instead of new records only' },
        writeMode: writeModeField('upsert'),
        keys: columnsField('Key columns', 'target', 'targetTable', { minItems: 1, description: 'columns that identify a row (upsert)' }),
      },
      ...keysRequiredForUpsert,
    },
    steps: [
      { id: 'connections', title: 'Connections', fields: ['kafka', 'target'] },
      { id: 'tables', title: 'Topic, table and fields', fields: ['topic', 'groupId', 'targetTable', 'mapping', 'requireMapped'] },
      { id: 'options', title: 'Options', fields: ['fromBeginning', 'writeMode', 'keys', 'maxAttempts', 'deadLetterTable'] },
    ],
    showIf: { keys: { writeMode: ['upsert'] } },
    checks: [KEYS_IN_MAPPING],
  },
  flow: {
    name: 'Kafka topic to a database table',
    ...mapThenWrite(
      {
        id: '830401',
        type: 'kafka-in',
        name: 'Consume',
        params: { connection: '{{kafka}}', topics: ['{{topic}}'], groupId: '{{groupId}}', fromBeginning: '{{fromBeginning}}', format: 'json' },
        position: { x: 80, y: 120 },
      },
      '830402',
      '830403',
    ),
  },
};
