/**
 * The dead-letter record of a kafka-in: the original key, value and headers, byte for byte,
 * plus headers that say why (Kafka Connect's `errors.deadletterqueue.context.headers.enable`):
 * where it came from, the error, the node and flow, and how many runs failed on it.
 */
import type { IHeaders, KafkaMessage, Message as KafkaRecord } from 'kafkajs';
import type { KafkaClient } from '../driver.ts';

export interface DeadLetterContext {
  topic: string;
  partition: number;
  error: string;
  /** 'PARSE_ERROR' for a value that does not parse, 'RUN_FAILED' when its runs failed, 'OPERATOR' when dead-lettered by hand */
  reason: 'PARSE_ERROR' | 'RUN_FAILED' | 'OPERATOR';
  attempts: number;
  flowId: string;
  nodeId: string;
}

/** header names, prefixed so they never clash with the record's own */
export const DLQ_HEADER = {
  topic: 'tributary.dlq.topic',
  partition: 'tributary.dlq.partition',
  offset: 'tributary.dlq.offset',
  error: 'tributary.dlq.error',
  reason: 'tributary.dlq.reason',
  attempts: 'tributary.dlq.attempts',
  flow: 'tributary.dlq.flow',
  node: 'tributary.dlq.node',
  at: 'tributary.dlq.at',
} as const;

/** headers longer than this are cut: an error text must not make the record too large to send */
const MAX_ERROR_CHARS = 4000;

export function deadLetterRecord(record: KafkaMessage, c: DeadLetterContext): KafkaRecord {
  const headers: IHeaders = { ...(record.headers ?? {}) };
  headers[DLQ_HEADER.topic] = c.topic;
  headers[DLQ_HEADER.partition] = String(c.partition);
  headers[DLQ_HEADER.offset] = record.offset;
  headers[DLQ_HEADER.error] = c.error.length > MAX_ERROR_CHARS ? `${c.error.slice(0, MAX_ERROR_CHARS)}…` : c.error;
  headers[DLQ_HEADER.reason] = c.reason;
  headers[DLQ_HEADER.attempts] = String(c.attempts);
  headers[DLQ_HEADER.flow] = c.flowId;
  headers[DLQ_HEADER.node] = c.nodeId;
  headers[DLQ_HEADER.at] = new Date().toISOString();
  const out: KafkaRecord = { key: record.key, value: record.value, headers };
  if (record.timestamp) out.timestamp = record.timestamp;
  return out;
}

/** Sends it (acks from all in-sync replicas); throws when the broker does not take it within the profile's timeout. */
export async function sendDeadLetter(client: KafkaClient, dlqTopic: string, record: KafkaMessage, c: DeadLetterContext, signal?: AbortSignal): Promise<void> {
  await client.send({ topic: dlqTopic, acks: -1, messages: [deadLetterRecord(record, c)] }, signal);
}
