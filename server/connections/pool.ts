/**
 * Shared driver clients of saved connection profiles (the engine's ConnectionProvider).
 * A client is opened once per profile, shared by every lease, and closed when the last
 * lease is released. After a profile changes, new leases get a fresh client; leases
 * already out keep the old one until they are released.
 */
import { NodeError, type ConnectionLease, type ConnectionProvider } from '../engine/node-api.ts';
import type { ConnectionProfileResolved, ColumnInfo, ConnectionDriver, QueryAnswer, QueryRequest } from './driver-api.ts';
import type { Logger } from '../../core/logger.ts';
import { errorMessage } from '../../core/guards.ts';
import { noSchema } from './lazy-driver.ts';

/** where profiles come from: ConnectionService fits */
export interface ProfileSource {
  resolve(id: string): ConnectionProfileResolved;
  secretValues(): string[];
  onChange?(listener: (id: string) => void): () => void;
}

interface Entry {
  profile: ConnectionProfileResolved;
  driver: ConnectionDriver;
  client: Promise<unknown>;
  refs: number;
}

export interface ConnectionPoolOptions { log?: Logger }

function describe(p: ConnectionProfileResolved): string {
  return `connection "${p.name}" (${p.id})`;
}

export class ConnectionPool implements ConnectionProvider {
  /** the current client per profile id; stale entries live on only in their leases */
  private readonly entries = new Map<string, Entry>();
  private readonly live = new Set<Entry>();
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly source: ProfileSource,
    private readonly drivers: ReadonlyMap<string, ConnectionDriver>,
    private readonly options: ConnectionPoolOptions = {},
  ) {
    this.unsubscribe = source.onChange?.((id) => this.invalidate(id));
  }

  async acquire<T = unknown>(connectionId: string, expectedType?: string | string[]): Promise<ConnectionLease<T>> {
    let entry = this.entries.get(connectionId);
    if (entry) this.checkType(entry.profile, expectedType);
    else {
      entry = this.openEntry(connectionId, expectedType);
    }
    const e = entry;
    e.refs++;
    let client: unknown;
    try {
      client = await e.client;
    } catch (err) {
      e.refs--;
      throw new NodeError(`cannot open ${describe(e.profile)}: ${errorMessage(err)}`, 'CONNECTION_OPEN');
    }
    let released = false;
    return {
      client: client as T,
      profile: e.profile,
      release: async () => {
        if (released) return;
        released = true;
        await this.release(e);
      },
    };
  }

  secretValues(): string[] {
    return this.source.secretValues();
  }

  /** table names of a database connection (schema picker) */
  async tables(connectionId: string): Promise<string[]> {
    return this.withClient(connectionId, (driver, client, profile) => {
      if (!driver.listTables) throw noSchema(profile.type, 'tables', describe(profile));
      return driver.listTables(client);
    });
  }

  async columns(connectionId: string, table: string): Promise<ColumnInfo[]> {
    return this.withClient(connectionId, (driver, client, profile) => {
      if (!driver.listColumns) throw noSchema(profile.type, 'columns', describe(profile));
      return driver.listColumns(client, table);
    });
  }

  /** one statement through a database connection (scripts' ctx.db); the client is shared as for nodes */
  async query(connectionId: string, request: QueryRequest): Promise<QueryAnswer> {
    return this.withClient(connectionId, (driver, client, profile) => {
      if (!driver.query) throw new NodeError(`${describe(profile)}: ${profile.type} connections do not run queries`, 'CONNECTION_TYPE', false);
      return driver.query(client, request);
    });
  }

  /** the profile changed or was deleted: the next acquire opens a new client */
  invalidate(connectionId: string): void {
    this.entries.delete(connectionId);
  }

  /** number of leases out per open client, by profile id (for status and tests) */
  stats(): Array<{ id: string; refs: number; current: boolean }> {
    return [...this.live].map((e) => ({ id: e.profile.id, refs: e.refs, current: this.entries.get(e.profile.id) === e }));
  }

  /** close every client, leased or not (shutdown) */
  async closeAll(): Promise<void> {
    this.unsubscribe?.();
    const all = [...this.live];
    this.live.clear();
    this.entries.clear();
    await Promise.all(all.map((e) => this.close(e)));
  }

  private openEntry(connectionId: string, expectedType: string | string[] | undefined): Entry {
    let profile: ConnectionProfileResolved;
    try {
      profile = this.source.resolve(connectionId);
    } catch (err) {
      throw new NodeError(errorMessage(err), 'CONNECTION_NOT_FOUND', false);
    }
    this.checkType(profile, expectedType);
    const driver = this.drivers.get(profile.type);
    if (!driver) throw new NodeError(`${describe(profile)}: no driver for type "${profile.type}"`, 'CONNECTION_DRIVER', false);
    const entry: Entry = { profile, driver, client: driver.open(profile), refs: 0 };
    this.entries.set(connectionId, entry);
    this.live.add(entry);
    // a client that failed to open is forgotten, so the next acquire tries again
    entry.client.catch(() => {
      if (this.entries.get(connectionId) === entry) this.entries.delete(connectionId);
      this.live.delete(entry);
    });
    return entry;
  }

  private checkType(profile: ConnectionProfileResolved, expected: string | string[] | undefined): void {
    if (expected === undefined) return;
    const list = Array.isArray(expected) ? expected : [expected];
    if (list.length === 0 || list.includes(profile.type)) return;
    const wanted = list.length === 1 ? `"${list[0]}"` : `one of ${list.map((t) => `"${t}"`).join(', ')}`;
    throw new NodeError(`${describe(profile)} has type "${profile.type}", but ${wanted} is needed`, 'CONNECTION_TYPE', false);
  }

  private async release(entry: Entry): Promise<void> {
    entry.refs--;
    if (entry.refs > 0) return;
    if (this.entries.get(entry.profile.id) === entry) this.entries.delete(entry.profile.id);
    if (!this.live.delete(entry)) return; // closed already (closeAll)
    await this.close(entry);
  }

  private async close(entry: Entry): Promise<void> {
    try {
      await entry.driver.close(await entry.client);
    } catch (err) {
      this.options.log?.warn('closing a connection failed', { connection: entry.profile.id, error: errorMessage(err) });
    }
  }

  private async withClient<R>(
    id: string, fn: (driver: ConnectionDriver, client: unknown, profile: ConnectionProfileResolved) => Promise<R>,
  ): Promise<R> {
    const lease = await this.acquire(id);
    try {
      const driver = this.drivers.get(lease.profile.type);
      if (!driver) throw new Error(`no driver for type "${lease.profile.type}"`);
      return await fn(driver, lease.client, lease.profile);
    } finally {
      await lease.release();
    }
  }
}
