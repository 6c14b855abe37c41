import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';
import { Enum, Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';

/** how a record's value becomes the payload */
export const FORMATS = ['json', 'text', 'base64'] as const;
export type Format = (typeof FORMATS)[number];

export const PARSE_ERROR_POLICIES = ['stop', 'skip'] as const;

const params = Type.Object(
  {
    connection: Type.String({ minLength: 1, title: 'Connection' }),
    topics: Type.Array(Type.String({ minLength: 1, maxLength: 249 }), { minItems: 1, uniqueItems: true, title: 'Topics' }),
    groupId: Type.String({ minLength: 1, title: 'Consumer group' }),
    fromBeginning: withDefault(
      Type.Boolean({ title: 'From the beginning', description: 'where a group that never committed starts: the oldest record, or only new records' }),
      false,
    ),
    format: withDefault(Enum(FORMATS, { title: 'Value format', description: 'json parses the value, text gives it as UTF-8, base64 as base64' }), 'json'),
    onParseError: withDefault(
      Enum(PARSE_ERROR_POLICIES, {
        title: 'Value that is not JSON',
        'x-enumLabels': { stop: 'failed run, stop the partition there', skip: 'failed run, go on' },
      }),
      'stop',
    ),
    maxAttempts: withDefault(
      Type.Integer({
        minimum: 0, maximum: 1000, title: 'Max attempts per record',
        description: '0: deliver a failing record again until its run succeeds; n: give up after n failed runs',
      }),
      0,
    ),
    retryBackoffMs: withDefault(Type.Integer({ minimum: 10, maximum: 600000, title: 'First wait before redelivery (ms)' }), 1000),
    retryBackoffMaxMs: withDefault(Type.Integer({ minimum: 10, maximum: 3600000, title: 'Longest wait before redelivery (ms)' }), 30000),
    concurrency: withDefault(
      Type.Integer({ minimum: 1, maximum: 64, title: 'Partitions at once', description: 'runs of different partitions in parallel; one partition is always in order' }),
      1,
    ),
    sessionTimeoutMs: withDefault(
      Type.Integer({
        minimum: 6000, maximum: 300000, title: 'Session timeout (ms)',
        description: 'how soon the group hands the partitions of a consumer that died to another one',
      }),
      30000,
    ),
  },
  { additionalProperties: false },
);
/** kafka-in params as the consumer reads them (0 max attempts: no limit) */
export type KafkaInParams = ParamsOf<typeof params>;

export const kafkaInSpec: NodeSpec = {
  type: 'kafka-in',
  category: 'trigger',
  label: 'Kafka in',
  description:
    'Consumes topics in a consumer group and starts one run per record, with ' +
    '{payload, key, topic, partition, offset, headers, timestamp}. At least once: a record’s offset is committed only ' +
    'after its run succeeded. When a run fails, the partition is paused and the same record is delivered again after a ' +
    'backoff (first wait, doubling up to the longest), so nothing after it in that partition is committed first; ' +
    '"max attempts" above 0 gives up on a record after that many failed runs and commits past it. A value that is not ' +
    'JSON (format json) is recorded as a failed run; "stop" then stops that partition at the record until the flow is ' +
    'restarted (like Kafka Connect’s errors.tolerance=none), "skip" commits past it. Stopping the flow lets the running ' +
    'runs finish; records whose runs did not finish are delivered again when the flow starts. The canvas shows the lag.',
  inputs: [],
  outputs: ['out'],
  trigger: { kind: 'event' },
  paramsSchema: jsonSchema(params),
  rawParams: ['topics', 'groupId'],
  connectionTypes: ['kafka'],
  ui: {
    icon: 'inbox',
    color: '#231f20',
    order: ['connection', 'topics', 'groupId', 'fromBeginning', 'format', 'onParseError', 'maxAttempts', 'retryBackoffMs', 'retryBackoffMaxMs', 'concurrency', 'sessionTimeoutMs'],
    widgets: { connection: 'connection' },
    showIf: { onParseError: { format: ['json'] } },
    help: 'The offset is committed only after the record’s run succeeded; failed runs are retried in order per partition.',
  },
};

function validateKafkaIn(params: Record<string, unknown>): ValidationIssue[] {
  const first = params['retryBackoffMs'];
  const most = params['retryBackoffMaxMs'];
  return typeof first === 'number' && typeof most === 'number' && most < first
    ? [{ path: 'retryBackoffMaxMs', message: 'must be at least the first wait (retryBackoffMs)' }]
    : [];
}

export const kafkaInNode: NodeDefinition = { spec: kafkaInSpec, logic: { validate: validateKafkaIn } };
