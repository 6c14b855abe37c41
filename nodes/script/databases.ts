/**
 * ctx.db for one script node: the database connections its `connections` setting names, and
 * no other. A script asks by the connection's name (or id); the statement runs through the
 * engine's connection provider with its values bound, its rows capped and the run's time left.
 */
import { NodeError, type ConnectionLease, type ConnectionProvider } from '../../server/engine/node-api.ts';
import type { ScriptDatabases } from '../../server/sandbox/index.ts';
import { SCRIPT_DB_MAX_ROWS, SCRIPT_DB_TYPES } from './spec.ts';

export async function scriptDatabases(
  connections: ConnectionProvider,
  ids: readonly string[],
): Promise<(ScriptDatabases & { release(): Promise<void> }) | undefined> {
  if (ids.length === 0) return undefined;
  const leases: ConnectionLease[] = [];
  const byName = new Map<string, string>();
  try {
    for (const id of ids) {
      const lease = await connections.acquire(id, SCRIPT_DB_TYPES);
      leases.push(lease);
      byName.set(lease.profile.id, lease.profile.id);
      byName.set(lease.profile.name, lease.profile.id);
    }
  } catch (err) {
    await Promise.all(leases.map((l) => l.release()));
    if (err instanceof NodeError) throw new NodeError(`connections: ${err.message}`, err.code, err.retryable);
    throw err;
  }
  const names = leases.map((l) => `"${l.profile.name}"`).join(', ');
  return {
    async query(name, sql, binds, timeoutMs) {
      const id = byName.get(name);
      if (id === undefined) throw new Error(`ctx.db("${name}"): this node may use only ${names} (its "connections" setting)`);
      try {
        const answer = await connections.query(id, { sql, binds, maxRows: SCRIPT_DB_MAX_ROWS, timeoutMs });
        // what the help promises: a query's rows, else what the statement changed
        return answer.rows ?? { affectedRows: answer.affectedRows };
      } catch (err) {
        throw new Error(`ctx.db("${name}").query: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    async release() {
      await Promise.all(leases.map((l) => l.release()));
    },
  };
}
