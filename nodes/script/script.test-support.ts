/**
 * A tiny stand-in for the engine, for node runtime tests: builds a NodeContext and one NodeIO
 * per delivery, collects what the node sends, stages state per delivery (committed when the
 * delivery succeeds, like a run) and disposes shared resources when the flow stops.
 */
import type { FlowNode, Message } from '../../core/flow-types.ts';
import type { ConnectionProvider, FiredRun, HookRegistry, NodeContext, NodeInstance, NodeIO, NodeRuntime, NodeState, NodeStatus } from '../../server/engine/node-api.ts';
import type { Logger } from '../../core/logger.ts';
import { memoryLogger, type LogLine } from '../../server/sandbox/sandbox.test-support.ts';

export interface Sent { port: string; msg: Message }

/** What several nodes of one flow share: shared resources and ctx.flow memory. */
export interface TestFlow {
  id: string;
  flowMemory: Map<string, unknown>;
  shared<T>(key: string, create: () => Promise<T> | T, dispose: (value: T) => Promise<void> | void): Promise<T>;
  /** how many shared resources were created, by key */
  created: Map<string, number>;
  /** stops the flow: aborts its signal and disposes shared resources */
  stop(): Promise<void>;
  signal: AbortSignal;
}

export function createTestFlow(id = 'flow-1'): TestFlow {
  const entries = new Map<string, { value: Promise<unknown>; dispose: (value: never) => Promise<void> | void }>();
  const created = new Map<string, number>();
  const controller = new AbortController();
  return {
    id,
    flowMemory: new Map(),
    created,
    signal: controller.signal,
    shared<T>(key: string, create: () => Promise<T> | T, dispose: (value: T) => Promise<void> | void): Promise<T> {
      let entry = entries.get(key);
      if (!entry) {
        created.set(key, (created.get(key) ?? 0) + 1);
        entry = { value: Promise.resolve().then(create), dispose: dispose as (value: never) => Promise<void> | void };
        entries.set(key, entry);
      }
      return entry.value as Promise<T>;
    },
    async stop() {
      controller.abort();
      for (const entry of entries.values()) await entry.dispose((await entry.value) as never);
      entries.clear();
    },
  };
}

export interface Delivery {
  sent: Sent[];
  trace: string[];
  /** what onMessage threw, if it did (state staged by this delivery is then dropped) */
  error?: Error;
}

export interface TestNode {
  instance: NodeInstance;
  ctx: NodeContext;
  /** committed node state */
  state: Map<string, unknown>;
  logs: LogLine[];
  statuses: NodeStatus[];
  deliver(msg: Message, options?: { port?: string; runId?: string }): Promise<Delivery>;
  /** stops the node (not the flow) */
  stop(): Promise<void>;
}

export interface TestNodeOptions {
  id?: string;
  params: Record<string, unknown>;
  flow?: TestFlow;
  state?: Map<string, unknown>;
}

export async function createTestNode(runtime: NodeRuntime, options: TestNodeOptions): Promise<TestNode> {
  const flow = options.flow ?? createTestFlow();
  const node: FlowNode = { id: options.id ?? 'node-1', type: runtime.type, params: options.params };
  const committed = options.state ?? new Map<string, unknown>();
  const log = memoryLogger();
  const statuses: NodeStatus[] = [];
  const ctx: NodeContext = {
    flowId: flow.id,
    flowVersion: 1,
    flowSettings: {},
    node,
    params: options.params,
    log,
    state: mapState(committed, (key, value) => setOrDelete(committed, key, value)),
    evaluate: (value) => value,
    flowMemory: flow.flowMemory,
    connections: unavailable<ConnectionProvider>('connections'),
    shared: (key, create, dispose) => flow.shared(key, create, dispose),
    signal: flow.signal,
    fire: (): FiredRun => {
      throw new Error('fire is not available in the test harness');
    },
    fireFailed: (): FiredRun => {
      throw new Error('fireFailed is not available in the test harness');
    },
    setStatus: (status) => void statuses.push(status),
    hooks: unavailable<HookRegistry>('hooks'),
  };
  const instance = await runtime.create(ctx);
  let runs = 0;
  return {
    instance,
    ctx,
    state: committed,
    logs: log.lines,
    statuses,
    async deliver(msg, deliveryOptions = {}) {
      const staged = new Map<string, unknown>();
      const delivery: Delivery = { sent: [], trace: [] };
      const io = makeIO(deliveryOptions.port ?? 'in', options.params, delivery, {
        state: mapState(committed, (key, value) => staged.set(key, value), staged),
        flowMemory: flow.flowMemory,
        runId: deliveryOptions.runId ?? `run-${++runs}`,
        log,
        signal: flow.signal,
      });
      try {
        await instance.onMessage?.(msg, io);
        for (const [key, value] of staged) setOrDelete(committed, key, value);
      } catch (err) {
        delivery.error = err instanceof Error ? err : new Error(String(err));
      }
      return delivery;
    },
    async stop() {
      await instance.stop?.();
    },
  };
}

function makeIO(
  port: string,
  params: Record<string, unknown>,
  delivery: Delivery,
  parts: { state: NodeState; flowMemory: Map<string, unknown>; runId: string; log: Logger; signal: AbortSignal },
): NodeIO {
  return {
    port,
    params,
    send: (msg, out = 'out') => void delivery.sent.push({ port: out, msg }),
    sendScoped: () => Promise.reject(new Error('sendScoped is not available in the test harness')),
    evaluate: (value) => value,
    locals: {},
    state: parts.state,
    flowMemory: parts.flowMemory,
    trace: (line) => void delivery.trace.push(line),
    runId: parts.runId,
    log: parts.log,
    signal: parts.signal,
  };
}

/** reads staged values first, then committed ones */
function mapState(committed: Map<string, unknown>, set: (key: string, value: unknown) => void, staged?: Map<string, unknown>): NodeState {
  return {
    get: <T = unknown>(key: string): T | undefined => (staged?.has(key) ? staged.get(key) : committed.get(key)) as T | undefined,
    set,
    keys: () => new Set([...committed.keys(), ...(staged?.keys() ?? [])]),
  };
}

function setOrDelete(map: Map<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}

function unavailable<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get() {
      throw new Error(`${what} is not available in the test harness`);
    },
  });
}
