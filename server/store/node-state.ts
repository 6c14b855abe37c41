/** node_state table: persisted key/value state per (flow, node), e.g. sync watermarks. */
import type { Db } from './db.ts';
import { fromJson, nowIso, toJson } from './util.ts';

export interface NodeStateEntry { nodeId: string; key: string; value: unknown; updatedAt: string }

/** Statements shared by the admin repo and the run writer. */
export interface NodeStateStatements {
  rows(flowId: string, nodeId: string): Array<{ key: string; value: string }>;
  upsert(flowId: string, nodeId: string, key: string, json: string, updatedAt: string): void;
  remove(flowId: string, nodeId: string, key: string): void;
}

export function prepareNodeState(db: Db): NodeStateStatements {
  const rows = db.prepare<[string, string], { key: string; value: string }>(
    'SELECT key, value FROM node_state WHERE flow_id = ? AND node_id = ?',
  );
  const upsert = db.prepare<[string, string, string, string, string]>(
    `INSERT INTO node_state (flow_id, node_id, key, value, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(flow_id, node_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare<[string, string, string]>(
    'DELETE FROM node_state WHERE flow_id = ? AND node_id = ? AND key = ?',
  );
  return {
    rows: (f, n) => rows.all(f, n),
    upsert: (f, n, k, json, at) => void upsert.run(f, n, k, json, at),
    remove: (f, n, k) => void remove.run(f, n, k),
  };
}

/** What the run writer exposes so admin edits and reads stay consistent with buffered runs. */
export interface PendingRuns {
  flush(): void;
  loadNodeState(flowId: string, nodeId: string): Record<string, unknown>;
}

export interface NodeStateRepo {
  /** committed state merged with state staged by buffered, not yet flushed, successful runs */
  load(flowId: string, nodeId: string): Record<string, unknown>;
  list(flowId: string): NodeStateEntry[];
  /** admin edit; `undefined` deletes the key */
  set(flowId: string, nodeId: string, key: string, value: unknown): void;
  /** admin delete of one key, or of all keys of the node; returns rows deleted */
  delete(flowId: string, nodeId: string, key?: string): number;
}

export function createNodeStateRepo(db: Db, pending: PendingRuns): NodeStateRepo {
  const st = prepareNodeState(db);
  const list = db.prepare<[string], { node_id: string; key: string; value: string; updated_at: string }>(
    'SELECT node_id, key, value, updated_at FROM node_state WHERE flow_id = ? ORDER BY node_id, key',
  );
  const delKey = db.prepare<[string, string, string]>(
    'DELETE FROM node_state WHERE flow_id = ? AND node_id = ? AND key = ?',
  );
  const delNode = db.prepare<[string, string]>('DELETE FROM node_state WHERE flow_id = ? AND node_id = ?');
  return {
    load: (flowId, nodeId) => pending.loadNodeState(flowId, nodeId),
    list: (flowId) => {
      pending.flush();
      return list.all(flowId).map((r) => ({
        nodeId: r.node_id, key: r.key, value: fromJson(r.value), updatedAt: r.updated_at,
      }));
    },
    set: (flowId, nodeId, key, value) => {
      // flush first so a queued run cannot overwrite the admin's value afterwards
      pending.flush();
      if (value === undefined) st.remove(flowId, nodeId, key);
      else st.upsert(flowId, nodeId, key, toJson(value), nowIso());
    },
    delete: (flowId, nodeId, key) => {
      pending.flush();
      return key === undefined ? delNode.run(flowId, nodeId).changes : delKey.run(flowId, nodeId, key).changes;
    },
  };
}
