/**
 * Kafka records into a database table (ROMA's MQS → MySQL real-time integration, Kafka
 * Connect's JDBC sink in upsert mode). kafka-in commits a record's offset only after its run
 * succeeded, so delivery is at least once; upsert by key makes a redelivered record harmless.
 */
import type { FlowTemplate } from '../types.ts';
import { DB_TYPES, KEYS_IN_MAPPING, PAYLOAD_PATH_PATTERN, columnsField, connectionField, keysParam, keysRequiredForUpsert, mappingField, requireMappedField, requiredParam, tableField, writeModeField } from '../fields.ts';

export const kafkaToDb: FlowTemplate = {
  id: 'kafka-to-db',
  name: 'Kafka topic to a database table',
  description:
    'Consume a Kafka topic and upsert every JSON record into a MySQL, PostgreSQL or Oracle table. ' +
    'At least once: an offset is committed only after its record was written, and upsert by key absorbs redeliveries. ' +
    'A record the database refuses is tried a few times, then goes to a dead-letter topic with the error, and so does a value that is not JSON; ' +
    'a database that is down is waited for.',
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
        fromBeginning: { type: 'boolean', default: false, title: 'From the beginning', description: 'a new group starts at the oldest record instead of new records only' },
        writeMode: writeModeField('upsert'),
        recordsPerRun: {
          type: 'integer', minimum: 1, maximum: 5000, default: 500, title: 'Records per write',
          description: 'consecutive records of a partition written as one multi-row statement in one run (1: a run per record)',
        },
        partitionsAtOnce: { type: 'integer', minimum: 1, maximum: 64, default: 4, title: 'Partitions at once', description: 'partitions written in parallel; each partition stays in order' },
        maxAttempts: {
          type: 'integer', minimum: 1, maximum: 100, default: 5, title: 'Attempts per record',
          description: 'a record the database keeps refusing is given up after this many runs (a database or broker that is down is waited for, never counted)',
        },
        deadLetter: {
          type: 'boolean', default: true, title: 'Dead-letter topic',
          description: 'records given up on, and values that are not JSON, go to a dead-letter topic with the error; off: they are skipped',
        },
        deadLetterTopic: {
          type: 'string', maxLength: 249, pattern: '^([A-Za-z0-9._-]+)?$', title: 'Dead-letter topic name',
          description: 'empty: the topic’s name followed by .dlq',
        },
        keys: columnsField('Key columns', 'target', 'targetTable', { minItems: 1, description: 'columns that identify a row (upsert)' }),
      },
      ...keysRequiredForUpsert,
    },
    steps: [
      { id: 'connections', title: 'Connections', fields: ['kafka', 'target'] },
      { id: 'tables', title: 'Topic, table and fields', fields: ['topic', 'groupId', 'targetTable', 'mapping', 'requireMapped'] },
      { id: 'options', title: 'Options', fields: ['fromBeginning', 'writeMode', 'keys', 'recordsPerRun', 'partitionsAtOnce', 'maxAttempts', 'deadLetter', 'deadLetterTopic'] },
    ],
    showIf: { keys: { writeMode: ['upsert'] }, deadLetterTopic: { deadLetter: [true] } },
    checks: [KEYS_IN_MAPPING],
  },
  flow: {
    name: 'Kafka topic to a database table',
    nodes: [
      {
        id: '830401',
        type: 'kafka-in',
        name: 'Consume',
        params: {
          connection: '{{kafka}}', topics: ['{{topic}}'], groupId: '{{groupId}}', fromBeginning: '{{fromBeginning}}', format: 'json',
          // a run per batch of records, one multi-row write each; partitions in parallel
          batchSize: '{{recordsPerRun}}',
          concurrency: '{{partitionsAtOnce}}',
          // bounded and dead-lettered: a bad record never holds its partition (Kafka Connect's errors.tolerance=all + DLQ)
          maxAttempts: '{{maxAttempts}}',
          onParseError: { $if: 'deadLetter', then: 'deadLetter', else: 'skip' },
          deadLetterTopic: { $if: 'deadLetter', then: { $if: 'deadLetterTopic', then: '{{deadLetterTopic}}', else: '{{topic}}.dlq' }, else: '' },
          retryBackoffMs: 500,
          retryBackoffMaxMs: 30000,
        },
        position: { x: 80, y: 120 },
      },
      {
        id: '830403',
        type: '{{target:type}}',
        name: 'Write records',
        params: {
          connection: '{{target}}', action: '{{writeMode}}', table: '{{targetTable}}', keys: keysParam,
          // the payload is a list of records: the mapping applies to each of them (values are evaluated per row)
          values: { $if: 'mapping', then: { $map: 'mapping', key: '{{$key}}', value: '${payload.{{$value}}}' } },
          batchSize: '{{recordsPerRun}}',
          // a record lacking a mapped field fails with the field named, then goes to the dead-letter topic
          required: requiredParam,
        },
        position: { x: 320, y: 120 },
      },
    ],
    edges: [{ source: '830401', target: '830403' }],
  },
};
