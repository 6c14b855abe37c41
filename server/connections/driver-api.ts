/**
 * The connection contract: a saved profile as drivers and node runtimes get it, and what a
 * connection type's driver does with it (open, test, close, inspect).
 */

/** A saved connection profile with its secrets decrypted. */
export interface ConnectionProfileResolved {
  id: string;
  name: string;
  type: string;
  environment: string;
  params: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** A statement a script sends through a connection its node names (`ctx.db(name).query`). */
export interface QueryRequest {
  /** one statement; values only through `:name` binds */
  sql: string;
  binds: Record<string, unknown>;
  /** more rows than this is an error (the script should page or LIMIT) */
  maxRows: number;
  /** the statement fails after this long */
  timeoutMs: number;
}

export interface QueryAnswer {
  /** set when the statement returned rows */
  rows?: Record<string, unknown>[];
  affectedRows: number;
}

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
  /** runs one statement with bound values (database connections) */
  query?(client: C, request: QueryRequest): Promise<QueryAnswer>;
}
