/**
 * Runs one SQL node outside the engine, for tests against real databases: a NodeContext and
 * NodeIO with params resolved by the real expression compiler, node state staged per run and
 * committed only when the run succeeds (checkpoints at once), and `ctx.connections` backed by a real driver.
 */
import { compileValue } from '../../core/expressions/index.ts';
import type { Message } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import type { ConnectionDriver, ConnectionProfileResolved } from '../../server/connections/driver-api.ts';
import type { ConnectionLease, NodeContext, NodeIO, NodeInstance, NodeRuntime, NodeState, ScopeOutcome } from '../../server/engine/node-api.ts';
import type { Logger } from '../../core/logger.ts';

export interface Sent {
  msg: Message;
  port: string;
  /** set for sendScoped */
  iteration?: number;
}

export interface RunResult {
  sent: Sent[];
  /** the error thrown by onMessage, if any (then nothing is committed) */
  error?: Error;
  staged: Map<string, unknown>;
  trace: string[];
  /** set when the node skipped the run (NodeIO.skipRun) */
  skipped?: string;
  /** state committed during the run (NodeIO.checkpoint), in order */
  checkpoints: [string, unknown][];
}

export interface HarnessOptions {
  runtime: NodeRuntime;
  spec: NodeSpec;
  params: Record<string, unknown>;
  profile: ConnectionProfileResolved;
  driver: ConnectionDriver<unknown>;
  /** keep every sent message in RunResult.sent (off for huge streams) */
  record?: boolean;
  /** downstream of a scoped send: resolve when "the body" finished; a returned string fails the scope */
  downstream?: (msg: Message, iteration: number) => Promise<string | void> | string | void;
}

let harnesses = 0;

const quietLog: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export class SqlNodeHarness {
  readonly committed = new Map<string, unknown>();
  /** `${nodeId|…}` lookups */
  readonly nodeOutputs = new Map<string, Message>();
  private instance: NodeInstance | undefined;
  private pool: { client: unknown; refs: number } | undefined;
  private readonly abort = new AbortController();
  private runs = 0;

  constructor(private readonly o: HarnessOptions) {}

  static async start(o: HarnessOptions): Promise<SqlNodeHarness> {
    const h = new SqlNodeHarness(o);
    h.instance = await o.runtime.create(h.context());
    return h;
  }

  /**
   * delivers `msg` as one run; commits staged state when onMessage succeeds, unless
   * `runFails` says the run failed elsewhere (then the staged state is dropped)
   */
  async send(msg: Message, options: { runFails?: boolean } = {}): Promise<RunResult> {
    const staged = new Map<string, unknown>();
    const result: RunResult = { sent: [], staged, trace: [], checkpoints: [] };
    const io = this.io(msg, result);
    try {
      await this.instance!.onMessage!(msg, io);
      if (!options.runFails) for (const [k, v] of staged) this.committed.set(k, v);
    } catch (err) {
      result.error = err instanceof Error ? err : new Error(String(err));
    }
    return result;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.instance?.stop?.();
    if (this.pool) {
      await this.o.driver.close(this.pool.client);
      this.pool = undefined;
    }
  }

  private resolveParams(msg: Message): Record<string, unknown> {
    const untouched = new Set([...(this.o.spec.rawParams ?? []), ...(this.o.spec.lazyParams ?? [])]);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.o.params)) out[k] = untouched.has(k) ? v : this.evaluate(v, msg);
    return out;
  }

  private evaluate(value: unknown, msg: Message): unknown {
    return compileValue(value)({ message: msg, nodeOutput: (id) => this.nodeOutputs.get(id) });
  }

  private state(staged?: Map<string, unknown>): NodeState {
    const committed = this.committed;
    return {
      get<T>(key: string): T | undefined {
        return (staged?.has(key) ? staged.get(key) : committed.get(key)) as T | undefined;
      },
      set(key: string, value: unknown): void {
        if (!staged) throw new Error('state.set outside a run');
        staged.set(key, value);
      },
    };
  }

  private io(msg: Message, result: RunResult): NodeIO {
    const record = this.o.record ?? true;
    const downstream = this.o.downstream;
    return {
      port: 'in',
      params: this.resolveParams(msg),
      send: (m, port = 'out') => {
        if (record) result.sent.push({ msg: m, port });
      },
      sendScoped: async (m, port, iteration): Promise<ScopeOutcome> => {
        if (record) result.sent.push({ msg: m, port, iteration });
        const failure = downstream ? await downstream(m, iteration) : undefined;
        return typeof failure === 'string' ? { failed: true, errors: [failure] } : { failed: false, errors: [] };
      },
      evaluate: (v, m) => this.evaluate(v, m),
      locals: {},
      state: this.state(result.staged),
      checkpoint: async (key, value) => {
        result.staged.delete(key);
        this.committed.set(key, value);
        result.checkpoints.push([key, value]);
      },
      skipRun: (reason) => {
        result.skipped = reason;
      },
      flowMemory: new Map(),
      trace: (line) => result.trace.push(line),
      runId: `run-${++this.runs}`,
      log: quietLog,
      signal: this.abort.signal,
    };
  }

  private context(): NodeContext {
    const o = this.o;
    const lease = async <T>(id: string, expected?: string | string[]): Promise<ConnectionLease<T>> => {
      if (id !== o.profile.id) throw new Error(`no connection "${id}"`);
      const types = expected === undefined ? [] : Array.isArray(expected) ? expected : [expected];
      if (types.length > 0 && !types.includes(o.profile.type))
        throw new Error(`connection "${o.profile.name}" is ${o.profile.type}, not ${types.join(' or ')}`);
      this.pool ??= { client: await o.driver.open(o.profile), refs: 0 };
      this.pool.refs++;
      return {
        client: this.pool.client as T,
        profile: o.profile,
        release: async () => {
          if (this.pool && --this.pool.refs === 0) {
            await o.driver.close(this.pool.client);
            this.pool = undefined;
          }
        },
      };
    };
    return {
      flowId: 'f_test',
      flowVersion: 1,
      flowSettings: {},
      // a node id per harness: incremental reads are gated per flow and node id
      node: { id: `n${++harnesses}`, type: o.spec.type, params: o.params },
      params: o.params,
      log: quietLog,
      state: this.state(),
      evaluate: (v, m) => this.evaluate(v, m),
      flowMemory: new Map(),
      connections: {
        acquire: lease,
        secretValues: () => Object.values(o.profile.secrets),
        query: () => Promise.reject(new Error('ctx.db is not part of the SQL node tests')),
      },
      shared: async <T>(_key: string, create: () => Promise<T> | T) => create(),
      signal: this.abort.signal,
      fire: () => {
        throw new Error('not a trigger');
      },
      fireFailed: () => {
        throw new Error('not a trigger');
      },
      setStatus: () => undefined,
      hooks: { register: () => () => undefined },
    };
  }
}

/** Profiles of the local test databases (SPEC's dev services). */
export const LOCAL_MYSQL: ConnectionProfileResolved = {
  id: 'c_mysql',
  name: 'local MariaDB',
  type: 'mysql',
  environment: 'test',
  params: { host: '127.0.0.1', port: 3306, database: 'test', user: 'root', charset: 'utf8mb4', timeoutMs: 5000 },
  secrets: {},
};

export const LOCAL_POSTGRES: ConnectionProfileResolved = {
  id: 'c_pg',
  name: 'local PostgreSQL',
  type: 'postgres',
  environment: 'test',
  params: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', timeoutMs: 5000 },
  secrets: {},
};
