import type { NodeSpec } from '../../../core/node-spec.ts';

/** how a record's value becomes the payload */
export const FORMATS = ['json', 'text', 'base64'] as const;
export type Format = (typeof FORMATS)[number];

export const PARSE_ERROR_POLICIES = ['stop', 'skip'] as const;

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
  trigger: true,
  paramsSchema: {
    type: 'object',
    required: ['connection', 'topics', 'groupId'],
    additionalProperties: false,
    properties: {
      connection: { type: 'string', minLength: 1, title: 'Connection' },
      topics: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 249 }, title: 'Topics' },
      groupId: { type: 'string', minLength: 1, title: 'Consumer group' },
      fromBeginning: {
        type: 'boolean', default: false, title: 'From the beginning',
        description: 'where a group that never committed starts: the oldest record, or only new records',
      },
      format: { enum: [...FORMATS], default: 'json', title: 'Value format', description: 'json parses the value, text gives it as UTF-8, base64 as base64' },
      onParseError: {
        enum: [...PARSE_ERROR_POLICIES], default: 'stop', title: 'Value that is not JSON',
        'x-enumLabels': { stop: 'failed run, stop the partition there', skip: 'failed run, go on' },
      },
      maxAttempts: {
        type: 'integer', minimum: 0, maximum: 1000, default: 0, title: 'Max attempts per record',
        description: '0: deliver a failing record again until its run succeeds; n: give up after n failed runs',
      },
      retryBackoffMs: { type: 'integer', minimum: 10, maximum: 600000, default: 1000, title: 'First wait before redelivery (ms)' },
      retryBackoffMaxMs: { type: 'integer', minimum: 10, maximum: 3600000, default: 30000, title: 'Longest wait before redelivery (ms)' },
      concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 1, title: 'Partitions at once', description: 'runs of different partitions in parallel; one partition is always in order' },
      sessionTimeoutMs: {
        type: 'integer', minimum: 6000, maximum: 300000, default: 30000, title: 'Session timeout (ms)',
        description: 'how soon the group hands the partitions of a consumer that died to another one',
      },
    },
  },
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
  validate: (params) => {
    const first = params['retryBackoffMs'];
    const most = params['retryBackoffMaxMs'];
    return typeof first === 'number' && typeof most === 'number' && most < first
      ? [{ path: 'retryBackoffMaxMs', message: 'must be at least the first wait (retryBackoffMs)' }]
      : [];
  },
};

export default kafkaInSpec;
