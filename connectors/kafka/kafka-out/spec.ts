import type { NodeDefinition, NodeSpec } from '../../../core/node-spec.ts';
import { Enum, Expression, FreeObject, Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';

const params = Type.Object(
  {
    connection: Type.String({ minLength: 1, title: 'Connection' }),
    topic: Type.String({ minLength: 1, title: 'Topic', description: 'expressions allowed' }),
    key: Type.Optional(Type.Unknown({ title: 'Key', description: 'expression; records with the same key go to the same partition' })),
    value: withDefault(Type.Unknown({ title: 'Value' }), '${payload}'),
    headers: Type.Optional(Type.Union([FreeObject(), Expression()], { title: 'Headers', description: 'name → value (expressions allowed)' })),
    partition: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Expression()], { title: 'Partition', description: 'left out, the key (or round robin) decides' }),
    ),
    acks: withDefault(
      Enum([-1, 0, 1], {
        title: 'Acknowledgement',
        'x-enumLabels': { '-1': 'all in-sync replicas', '0': 'none (fire and forget)', '1': 'leader only' },
      }),
      -1,
    ),
  },
  { additionalProperties: false },
);
export type KafkaOutParams = ParamsOf<typeof params>;

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
  paramsSchema: jsonSchema(params),
  connectionTypes: ['kafka'],
  ui: {
    icon: 'send',
    color: '#231f20',
    order: ['connection', 'topic', 'key', 'value', 'headers', 'partition', 'acks'],
    widgets: { connection: 'connection', topic: 'expression', key: 'expression', value: 'expression', headers: 'keyvalue' },
    help: 'The next node runs once the broker acknowledged the record (acks), so a failed write fails the step.',
  },
};

export const kafkaOutNode: NodeDefinition = { spec: kafkaOutSpec };
