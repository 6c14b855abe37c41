import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';
import { Enum, Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';
import { topicFilterIssue } from '../topic.ts';
import { connectionParam, qosParam } from '../spec-parts.ts';

export const MQTT_IN_FORMATS = ['json', 'text', 'base64'] as const;

const params = Type.Object(
  {
    connection: connectionParam,
    topic: Type.String({ minLength: 1, title: 'Topic', description: 'filter: + matches one level, # the rest (sensors/+/temperature, sensors/#)' }),
    qos: qosParam,
    format: withDefault(
      Enum(MQTT_IN_FORMATS, {
        title: 'Payload format',
        description: 'json parses the payload (an empty one is null), text gives it as UTF-8, base64 as base64',
      }),
      'json',
    ),
    maxInFlight: withDefault(
      Type.Integer({
        minimum: 1, maximum: 1000, title: 'Runs at once',
        description: 'messages beyond this wait in the queue, so a burst does not overrun the database',
      }),
      16,
    ),
    queueLimit: withDefault(
      Type.Integer({
        minimum: 0, maximum: 1000000, title: 'Queue limit',
        description: 'messages waiting for a run; one more is dropped and counted in the status (never silently)',
      }),
      100000,
    ),
    persistentSession: withDefault(
      Type.Boolean({
        title: 'Persistent session',
        description: 'receive the QoS 1/2 messages sent while the flow was stopped (its own client id: <client id>-<flow>-<node>)',
      }),
      false,
    ),
  },
  { additionalProperties: false },
);
export type MqttInParams = ParamsOf<typeof params>;

export const mqttInSpec: NodeSpec = {
  type: 'mqtt-in',
  category: 'trigger',
  label: 'MQTT in',
  description:
    'Subscribes to a topic filter (wildcards + and #) and starts one run per message with ' +
    '{payload, topic, qos, retain, headers}; headers are the MQTT 5 user properties. A retained message is ' +
    'delivered when the flow starts. A message that is not JSON (format json) gives a failed run showing the text ' +
    'that arrived; the next messages go on. A persistent session keeps the subscription while the flow is stopped, ' +
    'and the broker delivers the QoS 1 and 2 messages sent meanwhile when it starts again (kept for 7 days). ' +
    'At most "runs at once" runs go on together; later messages wait in a queue (in memory, acknowledged) of at most ' +
    '"queue limit"; a message that finds it full is dropped, and the status counts received, failed and dropped messages.',
  inputs: [],
  outputs: ['out'],
  trigger: { kind: 'event' },
  paramsSchema: jsonSchema(params),
  // a subscription filter, never a template: a trigger has no message to resolve one against
  rawParams: ['topic'],
  connectionTypes: ['mqtt'],
  ui: {
    icon: 'rss',
    color: '#660066',
    order: ['connection', 'topic', 'qos', 'format', 'maxInFlight', 'queueLimit', 'persistentSession'],
    widgets: { connection: 'connection' },
    help: 'Emits {payload, topic, qos, retain, headers?}. Use QoS 1 or 2 with a persistent session.',
  },
};

export function validateMqttIn(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const topic = params['topic'];
  if (typeof topic === 'string') {
    const issue = topicFilterIssue(topic);
    if (issue) issues.push({ path: 'topic', message: issue });
  }
  if (params['persistentSession'] === true && (params['qos'] ?? 0) === 0) {
    issues.push({ path: 'qos', message: 'a persistent session keeps only QoS 1 and 2 messages while the flow is stopped: choose QoS 1 or 2' });
  }
  return issues;
}

export const mqttInNode: NodeDefinition = { spec: mqttInSpec, logic: { validate: validateMqttIn } };
