/** In-memory store port and an engine wired with given node types, for engine tests. */
import type { RunRecord, StepRecord } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import { SchemaChecker } from '../../core/schema-check.ts';
import { Engine } from './engine.ts';
import { silentEvents, type EngineEvents } from './events.ts';
import { HookTable } from './hook-table.ts';
import type { EngineStorePort, StateWrite, TracedStep, Written } from './store-port.ts';
import type { StorageError } from './storage-error.ts';
import type { ConnectionProvider, NodeRuntime } from './node-api.ts';
import type { ConnectionProfileResolved, ConnectionDriver } from '../connections/driver-api.ts';
import { createLogger } from '../log.ts';

export class MemoryStorePort implements EngineStorePort {
  readonly runs = new Map<string, RunRecord & { steps: StepRecord[] }>();
  readonly state = new Map<string, unknown>();
  failNextFinish: boolean | Error = false;
  /** set to make the store report a storage problem (setProblem tells the watchers) */
  private problem: StorageError | undefined;
  private readonly watchers = new Set<() => void>();

  setProblem(problem: StorageError | undefined): void {
    this.problem = problem;
    for (const w of [...this.watchers]) w();
  }
  storageProblem(): StorageError | undefined {
    return this.problem;
  }
  watchStorage(listener: () => void): () => void {
    this.watchers.add(listener);
    return () => void this.watchers.delete(listener);
  }

  loadNodeState(flowId: string, nodeId: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.state) {
      const [f, n, key] = JSON.parse(k) as [string, string, string];
      if (f === flowId && n === nodeId) out[key] = v;
    }
    return out;
  }
  runStarted(run: RunRecord, written?: Written): void {
    this.runs.set(run.id, { ...run, steps: [] });
    written?.();
  }
  runStartedNow(run: RunRecord): void {
    if (this.problem) throw this.problem;
    this.runStarted(run);
  }
  runFinished(run: RunRecord, steps: (StepRecord | TracedStep)[], writes: StateWrite[], written?: Written): void {
    if (this.failNextFinish) {
      const error = this.failNextFinish instanceof Error ? this.failNextFinish : new Error('disk full');
      this.failNextFinish = false;
      if (!written) throw error;
      return written(error);
    }
    this.runs.set(run.id, { ...run, steps: steps.map(fromTraced) });
    this.commitState(writes);
    written?.();
  }
  commitState(writes: StateWrite[], written?: Written): void {
    for (const w of writes) this.state.set(JSON.stringify([w.flowId, w.nodeId, w.key]), w.value);
    written?.();
  }
  flush(): void {}
}

export const noConnections: ConnectionProvider = {
  acquire: () => Promise.reject(new Error('no connections in this test')),
  query: () => Promise.reject(new Error('no connections in this test')),
  secretValues: () => [],
};

export interface TestEngineOptions { events?: EngineEvents; connections?: ConnectionProvider; store?: MemoryStorePort }

/** An engine with only the given node types, an in-memory store port and a hook table. */
export function testEngine(specs: NodeSpec[], runtimes: NodeRuntime[], options: TestEngineOptions = {}) {
  const events = options.events ?? silentEvents;
  const store = options.store ?? new MemoryStorePort();
  const hooks = new HookTable();
  const engine = new Engine(
    {
      specs: new Map(specs.map((s) => [s.type, s])),
      runtimes: new Map(runtimes.map((r) => [r.type, r])),
      store,
      connections: options.connections ?? noConnections,
      events,
      hooks,
      log: createLogger({ level: 'error' }),
      masker: () => (v) => v,
      checker: new SchemaChecker(),
    },
    2000,
  );
  return { engine, store, hooks };
}

/**
 * Connections for tests that open real clients through real drivers, from profiles given
 * in the test (no store): one client per profile, closed by `closeAll`.
 */
export function directConnections(
  drivers: ConnectionDriver[],
  profiles: ConnectionProfileResolved[],
): ConnectionProvider & { closeAll(): Promise<void> } {
  const open = new Map<string, { driver: ConnectionDriver; client: Promise<unknown> }>();
  return {
    async acquire<T>(id: string, expected?: string | string[]) {
      const profile = profiles.find((p) => p.id === id);
      if (!profile) throw new Error(`connection "${id}" not found`);
      const types = expected === undefined ? [] : Array.isArray(expected) ? expected : [expected];
      if (types.length > 0 && !types.includes(profile.type)) throw new Error(`connection "${profile.name}" is ${profile.type}, expected ${types.join(' or ')}`);
      let entry = open.get(id);
      if (!entry) {
        const driver = drivers.find((d) => d.type === profile.type);
        if (!driver) throw new Error(`no driver for ${profile.type}`);
        entry = { driver, client: driver.open(profile) };
        open.set(id, entry);
      }
      return { client: (await entry.client) as T, profile, release: async () => {} };
    },
    secretValues: () => profiles.flatMap((p) => Object.values(p.secrets)),
    async query(id, request) {
      const lease = await this.acquire(id);
      const driver = drivers.find((d) => d.type === lease.profile.type);
      if (!driver?.query) throw new Error(`${lease.profile.type} connections do not run queries`);
      return driver.query(lease.client, request);
    },
    async closeAll() {
      for (const { driver, client } of open.values()) await driver.close(await client);
      open.clear();
    },
  };
}

/** a stored step read back as the API shows it */
function fromTraced(step: StepRecord | TracedStep): StepRecord {
  if (!('data' in step) || typeof step.data !== 'string') return step as StepRecord;
  const { data, ...rest } = step;
  return { ...rest, ...(JSON.parse(data) as Partial<StepRecord>) };
}
