import type { NodeDefinition, NodeSpec, ValidationIssue } from '../../../core/node-spec.ts';
import { Enum, Type, jsonSchema, withDefault, type ParamsOf } from '../../../core/params-schema.ts';

/** how a record's value becomes the payload */
export const FORMATS = ['json', 'text', 'base64'] as const;
export type Format = (typeof FORMATS)[number];

export const PARSE_ERROR_POLICIES = ['stop', 'skip', 'deadLetter'] as const;

/** a Kafka topic name (as the broker accepts it) */
const TOPIC_PATTERN = '^[A-Za-z0-9._-]+$';

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
        'x-enumLabels': { stop: 'failed run, stop the partition there', skip: 'failed run, go on', deadLetter: 'to the dead-letter topic, go on' },
      }),
      'stop',
    ),
    maxAttempts: withDefault(
      Type.Integer({
        minimum: 0, maximum: 1000, title: 'Max attempts per record',
        description:
          '0: deliver a failing record again until its run succeeds; n: after n failed runs send it to the dead-letter topic ' +
          '(or, without one, go past it). Runs that failed because a broker or database is down are waited for, never counted',
      }),
      0,
    ),
    deadLetterTopic: withDefault(
      Type.String({
        maxLength: 249, pattern: `(${TOPIC_PATTERN})|^$`, title: 'Dead-letter topic',
        description: 'records given up on (max attempts) or that do not parse (deadLetter) go here with their key, value and headers, plus tributary.dlq.* headers saying why; empty: none',
      }),
      '',
    ),
    batchSize: withDefault(
      Type.Integer({
        minimum: 1, maximum: 10000, title: 'Records per run',
        description: '1: a run per record; n: a run per up to n consecutive records of a partition, payload a list (one multi-row write), offsets committed after it succeeded',
      }),
      1,
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
    '"max attempts" above 0 gives up on a record after that many failed runs: it goes to the dead-letter topic when one is set ' +
    '(original key, value and headers plus tributary.dlq.* headers: error, node, attempts) and the offset moves past it. ' +
    'Runs that failed because a broker or database is down are waited for and never dead-lettered. A value that is not ' +
    'JSON (format json) is recorded as a failed run; "stop" then stops that partition at the record until the flow is ' +
    'restarted or an operator acts (POST /api/flows/:id/nodes/:nodeId/stuck/skip|dead-letter|replay), "skip" commits ' +
    'past it, "deadLetter" sends it to the dead-letter topic. "Records per run" above 1 starts a run per batch of a ' +
    'partition with a list payload; a batch that fails is run again record by record. Stopping the flow lets the running ' +
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
    order: ['connection', 'topics', 'groupId', 'fromBeginning', 'format', 'onParseError', 'maxAttempts', 'deadLetterTopic', 'retryBackoffMs', 'retryBackoffMaxMs', 'batchSize', 'concurrency', 'sessionTimeoutMs'],
    widgets: { connection: 'connection' },
    showIf: { onParseError: { format: ['json'] } },
    help: 'The offset is committed only after the record’s run succeeded; failed runs are retried in order per partition.',
  },
};

function validateKafkaIn(params: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const first = params['retryBackoffMs'];
  const most = params['retryBackoffMaxMs'];
  if (typeof first === 'number' && typeof most === 'number' && most < first) {
    issues.push({ path: 'retryBackoffMaxMs', message: 'must be at least the first wait (retryBackoffMs)' });
  }
  const dlq = params['deadLetterTopic'];
  const hasDlq = typeof dlq === 'string' && dlq !== '';
  if (params['onParseError'] === 'deadLetter' && !hasDlq && (params['format'] ?? 'json') === 'json') {
    issues.push({ path: 'deadLetterTopic', message: 'is required when a value that is not JSON goes to the dead-letter topic (onParseError: deadLetter)' });
  }
  const topics = params['topics'];
  if (hasDlq && Array.isArray(topics) && topics.includes(dlq)) {
    issues.push({ path: 'deadLetterTopic', message: `must not be a topic this node consumes ("${dlq}")` });
  }
  return issues;
}

export const kafkaInNode: NodeDefinition = { spec: kafkaInSpec, logic: { validate: validateKafkaIn } };
