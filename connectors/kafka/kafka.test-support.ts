/** Helpers for the Kafka tests: the real broker, unique names, a probe node type and waits. */
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Admin, KafkaMessage, Producer } from 'kafkajs';
import type { FlowDocument, FlowNode, Message } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import type { NodeRuntime, NodeStatus } from '../../server/engine/node-api.ts';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { silentEvents, type EngineEvents } from '../../server/engine/events.ts';

const { Kafka, logLevel, Partitioners } = kafkajs;

export const BROKERS = (process.env['TRIBUTARY_KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',').map((b) => b.trim()).filter(Boolean);

/** a topic or group name no other test (or earlier run) uses */
export function uniqueName(prefix: string): string {
  return `trib-${prefix}-${process.pid}-${randomBytes(5).toString('hex')}`;
}

export function kafkaProfile(id: string, params: Record<string, unknown> = {}, secrets: Record<string, string> = {}): ConnectionProfileResolved {
  return { id, name: id, type: 'kafka', environment: 'test', params: { brokers: BROKERS, clientId: 'tributary-test', ...params }, secrets };
}

export function testAdmin(): Admin {
  return new Kafka({ brokers: BROKERS, clientId: 'tributary-test-admin', logLevel: logLevel.NOTHING }).admin();
}

/** a plain kafkajs producer for writing test records exactly as given */
export function testProducer(): Producer {
  return new Kafka({ brokers: BROKERS, clientId: 'tributary-test-producer', logLevel: logLevel.NOTHING })
    .producer({ createPartitioner: Partitioners.DefaultPartitioner });
}

export async function createTopic(admin: Admin, topic: string, numPartitions = 1): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
}

/** committed offset per partition of `groupId` on `topic` (-1: none) */
export async function committed(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function flow(nodes: Partial<FlowNode>[], edges: [string, string, string?][]): FlowDocument {
  return {
    name: 't',
    nodes: nodes.map((n) => ({ params: {}, ...n }) as FlowNode),
    edges: edges.map(([source, target, sourcePort]) => ({ source, target, ...(sourcePort ? { sourcePort } : {}) })),
  };
}

/** Engine events that keep every node status, newest last. */
export function statusEvents(): EngineEvents & { statuses: { nodeId: string; status: NodeStatus }[]; last(nodeId: string): NodeStatus | undefined } {
  const statuses: { nodeId: string; status: NodeStatus }[] = [];
  return {
    ...silentEvents,
    statuses,
    nodeStatus(_flowId, nodeId, status) {
      statuses.push({ nodeId, status });
    },
    last(nodeId) {
      for (let i = statuses.length - 1; i >= 0; i--) if (statuses[i]!.nodeId === nodeId) return statuses[i]!.status;
      return undefined;
    },
  };
}

/**
 * A test-only node type that keeps every message it gets. A record whose payload has
 * `failTimes: n` fails its first n deliveries; `delayMs` (param or payload) slows each delivery.
 */
export const probeSpec: NodeSpec = {
  type: 'probe', category: 'function', label: 'Probe', inputs: ['in'], outputs: ['out'],
  paramsSchema: { type: 'object', properties: { delayMs: { type: 'integer' } } },
};

interface ProbePayload { failTimes?: number; delayMs?: number }

export class Probe {
  /** messages handled successfully, with the flow they came from */
  readonly log: { flowId: string; msg: Message }[] = [];
  private readonly seen = new Map<string, number>();

  get received(): Message[] {
    return this.log.map((e) => e.msg);
  }

  of(flowId: string): Message[] {
    return this.log.filter((e) => e.flowId === flowId).map((e) => e.msg);
  }

  runtime(): NodeRuntime {
    return {
      type: 'probe',
      create: (ctx) => ({
        onMessage: async (msg, io) => {
          const id = `${String(msg['topic'])}/${String(msg['partition'])}/${String(msg['offset'])}`;
          const n = (this.seen.get(id) ?? 0) + 1;
          this.seen.set(id, n);
          const payload = (typeof msg.payload === 'object' ? msg.payload : null) as ProbePayload | null;
          const delay = Number(payload?.delayMs ?? io.params['delayMs'] ?? 0);
          if (delay > 0) await new Promise((r) => setTimeout(r, delay));
          if (typeof payload?.failTimes === 'number' && n <= payload.failTimes) throw new Error(`probe fails delivery ${n} of ${id}`);
          if (io.signal.aborted) throw new Error('run cancelled');
          this.log.push({ flowId: ctx.flowId, msg });
          io.send(msg);
        },
      }),
    };
  }

  /** deliveries of a record so far, failed ones included */
  deliveries(topic: string, partition: number, offset: number): number {
    return this.seen.get(`${topic}/${partition}/${offset}`) ?? 0;
  }
}

/** Every record of `topic` from the beginning: waits for `expect` of them (at most `timeoutMs`), then a little longer so more would show. */
export async function readTopic(topic: string, expect: number, timeoutMs = 15_000): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ brokers: BROKERS, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 200 });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message) });
    const until = Date.now() + timeoutMs;
    while (got.length < expect && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return got;
}
