/** A connection type's driver: how to open, test, close and inspect a client of it. */
import type { ConnectionProfileResolved } from '../engine/node-api.ts';

export interface ColumnInfo { name: string; type: string; nullable: boolean; primaryKey?: boolean }

export interface ConnectionDriver<C = unknown> {
  type: string;
  /** open a pooled client; shared by every node using the profile */
  open(profile: ConnectionProfileResolved): Promise<C>;
  close(client: C): Promise<void>;
  /**
   * check that the profile works; throws an Error whose message is the driver's own
   * (wrong password, unknown host, refused port, unknown database are distinguishable)
   */
  test(profile: ConnectionProfileResolved, timeoutMs: number): Promise<void>;
  listTables?(client: C): Promise<string[]>;
  listColumns?(client: C, table: string): Promise<ColumnInfo[]>;
}
