import type { JsonSchema, NodeSpec } from '../../../core/node-spec.ts';

const expression: JsonSchema = { type: 'string', pattern: '\\$\\{' };

export const kafkaOutSpec: NodeSpec = {
  type: 'kafka-out',
  category: 'messaging',
  label: 'Kafka out',
  description:
    'Writes one record per message and waits for the broker’s acknowledgement, then passes the message on with ' +
    '`kafka: {topic, partition, offset}` added. Value: a string as it is, bytes as bytes, null as no value ' +
    '(a tombstone), anything else as JSON. An empty key is no key (records are spread over partitions).',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: {
    type: 'object',
    required: ['connection', 'topic'],
    additionalProperties: false,
    properties: {
      connection: { type: 'string', minLength: 1, title: 'Connection' },
      topic: { type: 'string', minLength: 1, title: 'Topic', description: 'expressions allowed' },
      key: { title: 'Key', description: 'expression; records with the same key go to the same partition' },
      value: { default: '${payload}', title: 'Value' },
      headers: { anyOf: [{ type: 'object' }, expression], title: 'Headers', description: 'name → value (expressions allowed)' },
      partition: { anyOf: [{ type: 'integer', minimum: 0 }, expression], title: 'Partition', description: 'left out, the key (or round robin) decides' },
      acks: {
        enum: [-1, 0, 1], default: -1, title: 'Acknowledgement',
        'x-enumLabels': { '-1': 'all in-sync replicas', '0': 'none (fire and forget)', '1': 'leader only' },
      },
    },
  },
  connectionTypes: ['kafka'],
  ui: {
    icon: 'send',
    color: '#231f20',
    order: ['connection', 'topic', 'key', 'value', 'headers', 'partition', 'acks'],
    widgets: { connection: 'connection', topic: 'expression', key: 'expression', value: 'expression', headers: 'keyvalue' },
    help: 'The next node runs once the broker acknowledged the record (acks), so a failed write fails the step.',
  },
};

export default kafkaOutSpec;
