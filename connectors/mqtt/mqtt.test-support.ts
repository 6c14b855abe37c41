/** Helpers for the MQTT tests: the real broker, unique topics, a probe node type, status capture and waits. */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { connectAsync, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { FlowDocument, FlowNode, Message } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import type { NodeRuntime, NodeStatus } from '../../server/engine/node-api.ts';
import type { ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import { silentEvents, type EngineEvents } from '../../server/engine/events.ts';
import { topicMatches } from './driver.ts';

export const BROKER_URL = process.env['TRIBUTARY_MQTT_URL'] ?? 'mqtt://127.0.0.1:1883';

/** a topic prefix no other test (or earlier run) uses */
export function uniqueTopic(name: string): string {
  return `tributary-test/${process.pid}-${randomBytes(4).toString('hex')}/${name}`;
}

export function mqttProfile(id: string, params: Record<string, unknown> = {}, secrets: Record<string, string> = {}): ConnectionProfileResolved {
  return { id, name: id, type: 'mqtt', environment: 'test', params: { url: BROKER_URL, timeoutMs: 3000, ...params }, secrets };
}

export function flow(nodes: Partial<FlowNode>[], edges: [string, string, string?][]): FlowDocument {
  return {
    name: 't',
    nodes: nodes.map((n) => ({ params: {}, ...n }) as FlowNode),
    edges: edges.map(([source, target, sourcePort]) => ({ source, target, ...(sourcePort ? { sourcePort } : {}) })),
  };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5000, everyMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const probeSpec: NodeSpec = {
  type: 'probe', category: 'function', label: 'Probe', inputs: ['in'], outputs: ['out'],
  paramsSchema: { type: 'object', properties: {} },
};

/** A node type that records every message it gets, by flow, and passes it on. */
export class Probe {
  readonly received: { flowId: string; msg: Message }[] = [];

  runtime(): NodeRuntime {
    return {
      type: 'probe',
      create: (ctx) => ({
        onMessage: (msg, io) => {
          this.received.push({ flowId: ctx.flowId, msg });
          io.send(msg);
        },
      }),
    };
  }

  of(flowId: string): Message[] {
    return this.received.filter((r) => r.flowId === flowId).map((r) => r.msg);
  }
}

/** engine events that keep every node status */
export function statusEvents(): EngineEvents & { statuses: { flowId: string; nodeId: string; status: NodeStatus }[]; last(nodeId: string): NodeStatus | undefined } {
  const statuses: { flowId: string; nodeId: string; status: NodeStatus }[] = [];
  return {
    ...silentEvents,
    statuses,
    nodeStatus(flowId, nodeId, status) {
      statuses.push({ flowId, nodeId, status });
    },
    last(nodeId) {
      return statuses.filter((s) => s.nodeId === nodeId).at(-1)?.status;
    },
  };
}

/** a plain mqtt.js client (MQTT 5) for publishing and subscribing from the test */
export function plainClient(options: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(BROKER_URL, { protocolVersion: 5, reconnectPeriod: 0, clientId: `tributary-test-${randomBytes(4).toString('hex')}`, ...options });
}

/** messages a plain client receives on `filter` */
export async function collect(client: MqttClient, filter: string, qos: 0 | 1 | 2 = 2): Promise<{ topic: string; payload: Buffer; packet: IPublishPacket }[]> {
  const got: { topic: string; payload: Buffer; packet: IPublishPacket }[] = [];
  client.on('message', (topic, payload, packet) => {
    if (topicMatches(filter, topic)) got.push({ topic, payload, packet });
  });
  await client.subscribeAsync(filter, { qos });
  return got;
}

/** ends the broker's session of `clientId` (the broker persists sessions to disk) */
export async function discardSession(clientId: string): Promise<void> {
  const client = await connectAsync(BROKER_URL, { protocolVersion: 5, reconnectPeriod: 0, clientId, clean: true });
  await client.endAsync();
}

/** A TCP proxy to the test broker that can be taken down (cutting its connections) and brought back. */
export class BrokerProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly host = new URL(BROKER_URL).hostname;
  private readonly port = Number(new URL(BROKER_URL).port || 1883);

  listen(port = 0): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.port, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }
}
