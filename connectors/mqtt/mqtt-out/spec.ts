import type { NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';
import { hasExpression } from '../../../core/expressions/index.ts';
import { topicNameIssue } from '../topic.ts';
import { connectionParam, qosParam } from '../spec-parts.ts';

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
  paramsSchema: {
    type: 'object',
    required: ['connection', 'topic'],
    additionalProperties: false,
    properties: {
      connection: connectionParam,
      topic: { type: 'string', minLength: 1, title: 'Topic', description: 'no wildcards; expressions allowed (devices/${payload.id}/set)' },
      payload: { default: '${payload}', title: 'Payload', description: 'expression or value to send' },
      qos: qosParam,
      retain: { type: 'boolean', default: false, title: 'Retain', description: 'the broker keeps the message and gives it to every new subscriber' },
    },
  },
  connectionTypes: ['mqtt'],
  ui: {
    icon: 'send',
    color: '#660066',
    order: ['connection', 'topic', 'payload', 'qos', 'retain'],
    widgets: { connection: 'connection', topic: 'expression', payload: 'expression' },
    help: 'Passes the input message on with mqtt: {topic, qos, retain}.',
  },
  validate: validateMqttOut,
};

export function validateMqttOut(params: Record<string, unknown>): ValidationIssue[] {
  const topic = params['topic'];
  // a topic with expressions is checked when it is resolved, per message
  if (typeof topic !== 'string' || hasExpression(topic)) return [];
  const issue = topicNameIssue(topic);
  return issue ? [{ path: 'topic', message: issue }] : [];
}

export default mqttOutSpec;
