/**
 * MQTT messages into a database table, one write per message (ROMA's parking-lot devices
 * publishing `{deviceId, status}`): mqtt-in → (set: map payload paths to columns) → insert or
 * upsert. Without a mapping the JSON payload's fields are written to the same-named columns.
 */
import type { FlowTemplate } from '../types.ts';
import { DB_TYPES, KEYS_IN_MAPPING, PAYLOAD_PATH_PATTERN, columnsField, connectionField, keysRequiredForUpsert, mappingField, deadLetterFields, mapThenWrite, requireMappedField, tableField, writeModeField } from '../fields.ts';

export const mqttToDb: FlowTemplate = {
  id: 'mqtt-to-db',
  name: 'MQTT messages to a database table',
  description:
    'Subscribe to an MQTT topic and write every JSON message as a row of a MySQL, PostgreSQL or Oracle table, ' +
    'optionally mapping payload paths (data.deviceId) to columns.',
  category: 'messaging',
  tags: ['mqtt', 'iot', 'devices', 'real-time', 'mysql', 'postgres', 'oracle'],
  params: {
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['mqtt', 'target', 'topic', 'targetTable'],
      properties: {
        mqtt: connectionField('MQTT connection', ['mqtt'], 'the broker to subscribe to'),
        target: connectionField('Database connection', DB_TYPES, 'MySQL, PostgreSQL or Oracle'),
        topic: { type: 'string', minLength: 1, maxLength: 65535, title: 'Topic', description: 'wildcards allowed: devices/+/out, sensors/#' },
        targetTable: tableField('Table', 'target'),
        mapping: mappingField(
          'Column mapping',
          'column → payload path (deviceId, data.status); left empty, the payload’s fields are written to the same-named columns',
          { connection: 'target', table: 'targetTable' },
          PAYLOAD_PATH_PATTERN,
        ),
        requireMapped: requireMappedField,
        ...deadLetterFields,
        qos: { enum: [0, 1, 2], default: 1, title: 'QoS' },
        persistentSession: {
          type: 'boolean',
          default: false,
          title: 'Persistent session',
          description: 'also write the QoS 1/2 messages sent while the flow was stopped',
        },
        writeMode: writeModeField('insert'),
        keys: columnsField('Key columns', 'target', 'targetTable', { minItems: 1, description: 'columns that identify a row (upsert)' }),
      },
      ...keysRequiredForUpsert,
    },
    steps: [
      { id: 'connections', title: 'Connections', fields: ['mqtt', 'target'] },
      { id: 'tables', title: 'Topic, table and fields', fields: ['topic', 'targetTable', 'mapping', 'requireMapped'] },
      { id: 'options', title: 'Options', fields: ['qos', 'persistentSession', 'writeMode', 'keys', 'maxAttempts', 'deadLetterTable'] },
    ],
    showIf: { keys: { writeMode: ['upsert'] } },
    checks: [KEYS_IN_MAPPING],
  },
  flow: {
    name: 'MQTT messages to a database table',
    ...mapThenWrite(
      {
        id: '720301',
        type: 'mqtt-in',
        name: 'Subscribe',
        params: { connection: '{{mqtt}}', topic: '{{topic}}', qos: '{{qos}}', format: 'json', persistentSession: '{{persistentSession}}' },
        position: { x: 80, y: 120 },
      },
      '720302',
      '720303',
    ),
  },
};
