/** kafka-out: one record per message through the profile's shared producer, awaited. */
import type { Message } from '../../../core/flow-types.ts';
import { NodeError, type ConnectionLease, type NodeIO, type NodeRuntime } from '../../../server/engine/node-api.ts';
import { kafkaErrorMessage, type KafkaClient } from '../driver.ts';
import { headerValues, keyBytes, valueBytes } from '../encode.ts';
import type { Message as KafkaRecord } from 'kafkajs';
import type { KafkaOutParams } from './spec.ts';
import { errorMessage } from '../../../core/guards.ts';

export const kafkaOutRuntime: NodeRuntime<KafkaOutParams> = {
  type: 'kafka-out',
  create(ctx) {
    let lease: Promise<ConnectionLease<KafkaClient>> | undefined;
    let detachLog: (() => void) | undefined;
    const client = async (): Promise<KafkaClient> => {
      lease ??= ctx.connections.acquire<KafkaClient>(ctx.params.connection, 'kafka').then((l) => {
        detachLog = l.client.attachLog(ctx.log);
        return l;
      });
      try {
        return (await lease).client;
      } catch (err) {
        lease = undefined;
        throw err;
      }
    };
    return {
      async onMessage(msg, io) {
        const p = io.params;
        const topic = p.topic;
        if (typeof topic !== 'string' || topic === '') throw new NodeError(`topic is ${topic === '' ? 'empty' : 'not a text'}`, 'BAD_TOPIC', false);
        const record = toRecord(p);
        const acks = ctx.params.acks;
        let sent;
        try {
          sent = await (await client()).send({ topic, acks, messages: [record] }, io.signal);
        } catch (err) {
          throw new NodeError(`kafka: ${kafkaErrorMessage(err)}`, err instanceof Error ? err.name : 'KAFKA_ERROR');
        }
        const meta = sent[0];
        const offset = meta?.baseOffset ?? meta?.offset;
        const out: Message = {
          ...msg,
          kafka: { topic, partition: meta?.partition ?? null, offset: offset === undefined || Number(offset) < 0 ? null : Number(offset) },
        };
        io.send(out);
      },
      async stop() {
        detachLog?.();
        const l = await lease?.catch(() => undefined);
        lease = undefined;
        await l?.release();
      },
    };
  },
};

function toRecord(p: NodeIO<KafkaOutParams>['params']): KafkaRecord {
  let headers;
  try {
    headers = headerValues(p.headers);
  } catch (err) {
    throw new NodeError(errorMessage(err), 'BAD_HEADERS', false);
  }
  const record: KafkaRecord = { value: valueBytes(p.value), key: keyBytes(p.key) };
  if (headers) record.headers = headers;
  const partition = p.partition;
  if (partition !== undefined && partition !== null && partition !== '') {
    const n = Number(partition);
    if (!Number.isInteger(n) || n < 0) throw new NodeError(`partition must be a whole number ≥ 0, got ${JSON.stringify(partition)}`, 'BAD_PARTITION', false);
    record.partition = n;
  }
  return record;
}

export default kafkaOutRuntime;
