import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';
import { Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';
import { hasExpression } from '../../../core/expressions/index.ts';
import { topicNameIssue } from '../topic.ts';
import { connectionParam, qosParam } from '../spec-parts.ts';

const params = Type.Object(
  {
    connection: connectionParam,
    topic: Type.String({ minLength: 1, title: 'Topic', description: 'no wildcards; expressions allowed (devices/${payload.id}/set)' }),
    payload: withDefault(Type.Unknown({ title: 'Payload', description: 'expression or value to send' }), '${payload}'),
    qos: qosParam,
    retain: withDefault(
      Type.Boolean({ title: 'Retain', description: 'the broker keeps the message and gives it to every new subscriber' }),
      false,
    ),
  },
  { additionalProperties: false },
);
export type MqttOutParams = ParamsOf<typeof params>;

export const mqttOutSpec: NodeSpec = {
  type: 'mqtt-out',
  category: 'messaging',
  label: 'MQTT out',
  description:
    'Publishes a message to a topic (expressions allowed) and passes the input message on, with ' +
    'mqtt: {topic, qos, retain} added. Objects and lists are sent as JSON, text as is, bytes as bytes, numbers and ' +
    'booleans as their text; nothing (null) sends an empty message, which with retain clears the topic’s retained ' +
    'message. With QoS 1 or 2 the step waits for the broker’s acknowledgement.',
  inputs: ['in'],
  outputs: ['out'],
  paramsSchema: jsonSchema(params),
  connectionTypes: ['mqtt'],
  ui: {
    icon: 'send',
    color: '#660066',
    order: ['connection', 'topic', 'payload', 'qos', 'retain'],
    widgets: { connection: 'connection', topic: 'expression', payload: 'expression' },
    help: 'Passes the input message on with mqtt: {topic, qos, retain}.',
  },
};

export function validateMqttOut(params: Record<string, unknown>): ValidationIssue[] {
  const topic = params['topic'];
  // a topic with expressions is checked when it is resolved, per message
  if (typeof topic !== 'string' || hasExpression(topic)) return [];
  const issue = topicNameIssue(topic);
  return issue ? [{ path: 'topic', message: issue }] : [];
}

export const mqttOutNode: NodeDefinition = { spec: mqttOutSpec, logic: { validate: validateMqttOut } };
