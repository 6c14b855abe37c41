/**
 * flows and flow_versions: every save is a new version; old versions stay readable.
 * flow_secrets: the sealed credentials of a flow's latest version, written with it.
 */
import type { FlowDocument } from '../../core/flow-types.ts';
import type { Db } from './db.ts';
import { ConflictError, isUniqueViolation } from './errors.ts';
import { fromJson, nowIso, randomId, toJson } from './util.ts';

export const FLOW_STATES = ['running', 'stopped', 'error'] as const;
export type FlowState = (typeof FLOW_STATES)[number];

export interface FlowSummary {
  id: string;
  name: string;
  description: string;
  version: number;
  state: FlowState;
  stateError: string | null;
  /** started by a user and not stopped since: the server starts it at boot (and retries) */
  autostart: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StoredFlow extends FlowSummary { doc: FlowDocument }

export interface FlowVersion { version: number; createdAt: string; createdBy: string | null; doc: FlowDocument }

/** the flow's sealed secrets for a flow id (null: it has none), written in the same transaction as the document */
export type SealSecrets = (flowId: string) => string | null;

export interface FlowsRepo {
  /** `options.id` keeps a given id (import); ConflictError if it is taken */
  create(doc: FlowDocument, user: string | null, options?: { id?: string; secrets?: SealSecrets }): { id: string; version: number };
  /** a new version; undefined when the flow does not exist. Without `secrets` the stored ones stay. */
  update(id: string, doc: FlowDocument, user: string | null, secrets?: SealSecrets): { id: string; version: number } | undefined;
  get(id: string): StoredFlow | undefined;
  /** every flow with its latest document, most recently updated first */
  list(filter?: { state?: FlowState; autostart?: true }): StoredFlow[];
  /** removes the flow, its versions, runs, steps and node state */
  delete(id: string): boolean;
  /** newest first */
  versions(id: string): FlowVersion[];
  getVersion(id: string, version: number): FlowVersion | undefined;
  setState(id: string, state: FlowState, error?: string): boolean;
  setAutostart(id: string, on: boolean): boolean;
  /** the sealed secrets of the flow, if any */
  secrets(id: string): string | undefined;
  allSecrets(): { flowId: string; secretsEnc: string }[];
  /**
   * Rewrites the latest document and older versions in place, no new version (moving
   * credentials stored in clear by an older release out of the documents).
   */
  rewrite(id: string, doc: FlowDocument, versions: { version: number; doc: FlowDocument }[], secrets: SealSecrets): void;
}

interface FlowRow {
  id: string; name: string; description: string; version: number; doc: string; state: FlowState;
  state_error: string | null; autostart: number; created_at: string; updated_at: string;
}
interface VersionRow { version: number; doc: string; created_at: string; created_by: string | null }

const SUMMARY_COLS = 'id, name, description, version, state, state_error, autostart, created_at, updated_at';

function toSummary(r: Omit<FlowRow, 'doc'>): FlowSummary {
  return {
    id: r.id, name: r.name, description: r.description, version: r.version, state: r.state,
    stateError: r.state_error, autostart: r.autostart === 1, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toStored(r: FlowRow): StoredFlow {
  return { ...toSummary(r), doc: fromJson<FlowDocument>(r.doc) };
}

function toVersion(r: VersionRow): FlowVersion {
  return { version: r.version, createdAt: r.created_at, createdBy: r.created_by, doc: fromJson<FlowDocument>(r.doc) };
}

/** the stored document carries its id first */
function withId(doc: FlowDocument, id: string): FlowDocument {
  const { id: _ignored, ...rest } = doc;
  return { id, ...rest };
}

/** `beforeDelete` flushes queued run writes, so no run of a deleted flow lands after it */
export function createFlowsRepo(db: Db, beforeDelete: () => void = () => {}): FlowsRepo {
  const insertFlow = db.prepare<[string, string, string, string, string, string]>(
    `INSERT INTO flows (id, name, description, version, doc, state, created_at, updated_at)
     VALUES (?, ?, ?, 1, ?, 'stopped', ?, ?)`,
  );
  const insertVersion = db.prepare<[string, number, string, string, string | null]>(
    'INSERT INTO flow_versions (flow_id, version, doc, created_at, created_by) VALUES (?, ?, ?, ?, ?)',
  );
  const currentVersion = db.prepare<[string], number>('SELECT version FROM flows WHERE id = ?').pluck();
  const updateFlow = db.prepare<[string, string, number, string, string, string]>(
    'UPDATE flows SET name = ?, description = ?, version = ?, doc = ?, updated_at = ? WHERE id = ?',
  );
  const byId = db.prepare<[string], FlowRow>(`SELECT ${SUMMARY_COLS}, doc FROM flows WHERE id = ?`);
  const all = db.prepare<[], FlowRow>(`SELECT ${SUMMARY_COLS}, doc FROM flows ORDER BY updated_at DESC, id`);
  const inState = db.prepare<[string], FlowRow>(
    `SELECT ${SUMMARY_COLS}, doc FROM flows WHERE state = ? ORDER BY updated_at DESC, id`,
  );
  const autostarting = db.prepare<[], FlowRow>(
    `SELECT ${SUMMARY_COLS}, doc FROM flows WHERE autostart = 1 ORDER BY updated_at DESC, id`,
  );
  const setAutostart = db.prepare<[number, string]>('UPDATE flows SET autostart = ? WHERE id = ?');
  const versions = db.prepare<[string], VersionRow>(
    'SELECT version, doc, created_at, created_by FROM flow_versions WHERE flow_id = ? ORDER BY version DESC',
  );
  const oneVersion = db.prepare<[string, number], VersionRow>(
    'SELECT version, doc, created_at, created_by FROM flow_versions WHERE flow_id = ? AND version = ?',
  );
  const setState = db.prepare<[string, string | null, string]>(
    'UPDATE flows SET state = ?, state_error = ? WHERE id = ?',
  );
  const delState = db.prepare<[string]>('DELETE FROM node_state WHERE flow_id = ?');
  const delRuns = db.prepare<[string]>('DELETE FROM runs WHERE flow_id = ?');
  const delFlow = db.prepare<[string]>('DELETE FROM flows WHERE id = ?');
  const getSecrets = db.prepare<[string], string>('SELECT secrets_enc FROM flow_secrets WHERE flow_id = ?').pluck();
  const allSecrets = db.prepare<[], { flowId: string; secretsEnc: string }>('SELECT flow_id AS flowId, secrets_enc AS secretsEnc FROM flow_secrets');
  const putSecrets = db.prepare<[string, string, string]>(
    `INSERT INTO flow_secrets (flow_id, secrets_enc, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(flow_id) DO UPDATE SET secrets_enc = excluded.secrets_enc, updated_at = excluded.updated_at`,
  );
  const delSecrets = db.prepare<[string]>('DELETE FROM flow_secrets WHERE flow_id = ?');
  const rewriteFlow = db.prepare<[string, string]>('UPDATE flows SET doc = ? WHERE id = ?');
  const rewriteVersion = db.prepare<[string, string, number]>('UPDATE flow_versions SET doc = ? WHERE flow_id = ? AND version = ?');

  const saveSecrets = (id: string, seal: SealSecrets | undefined, at: string): void => {
    if (!seal) return;
    const sealed = seal(id);
    if (sealed === null) delSecrets.run(id);
    else putSecrets.run(id, sealed, at);
  };

  const create = db.transaction((id: string, doc: FlowDocument, user: string | null, seal: SealSecrets | undefined) => {
    const stored = withId(doc, id);
    const json = toJson(stored);
    const at = nowIso();
    insertFlow.run(id, doc.name, doc.description ?? '', json, at, at);
    insertVersion.run(id, 1, json, at, user);
    saveSecrets(id, seal, at);
  });

  const update = db.transaction((id: string, doc: FlowDocument, user: string | null, seal: SealSecrets | undefined) => {
    const current = currentVersion.get(id);
    if (current === undefined) return undefined;
    const version = current + 1;
    const json = toJson(withId(doc, id));
    const at = nowIso();
    updateFlow.run(doc.name, doc.description ?? '', version, json, at, id);
    insertVersion.run(id, version, json, at, user);
    saveSecrets(id, seal, at);
    return { id, version };
  });

  const rewrite = db.transaction((id: string, doc: FlowDocument, old: { version: number; doc: FlowDocument }[], seal: SealSecrets) => {
    rewriteFlow.run(toJson(withId(doc, id)), id);
    for (const v of old) rewriteVersion.run(toJson(withId(v.doc, id)), id, v.version);
    saveSecrets(id, seal, nowIso());
  });

  const remove = db.transaction((id: string) => {
    delState.run(id);
    delRuns.run(id); // steps go with their runs (ON DELETE CASCADE)
    return delFlow.run(id).changes > 0; // versions cascade too
  });

  return {
    create: (doc, user, options = {}) => {
      // a fresh random id collides with odds of 1 in 4 billion per flow; retry a few times anyway
      for (let attempt = 0; ; attempt++) {
        const id = options.id ?? randomId('f_');
        try {
          create.immediate(id, doc, user, options.secrets);
          return { id, version: 1 };
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          if (options.id !== undefined) throw new ConflictError('flow_exists', `flow "${options.id}" already exists`, { id: options.id });
          if (attempt >= 4) throw err;
        }
      }
    },
    update: (id, doc, user, secrets) => update.immediate(id, doc, user, secrets),
    get: (id) => {
      const r = byId.get(id);
      return r ? toStored(r) : undefined;
    },
    list: (filter = {}) => {
      const rows = filter.autostart ? autostarting.all() : filter.state ? inState.all(filter.state) : all.all();
      return (filter.autostart && filter.state ? rows.filter((r) => r.state === filter.state) : rows).map(toStored);
    },
    delete: (id) => {
      beforeDelete();
      return remove.immediate(id);
    },
    versions: (id) => versions.all(id).map(toVersion),
    getVersion: (id, v) => {
      const r = oneVersion.get(id, v);
      return r ? toVersion(r) : undefined;
    },
    setState: (id, state, error) => setState.run(state, error ?? null, id).changes > 0,
    setAutostart: (id, on) => setAutostart.run(on ? 1 : 0, id).changes > 0,
    secrets: (id) => getSecrets.get(id),
    allSecrets: () => allSecrets.all(),
    rewrite: (id, doc, old, secrets) => {
      // the old documents' bytes are zeroed in the file, not left in free pages or the WAL
      const was = db.pragma('secure_delete', { simple: true }) as number;
      db.pragma('secure_delete = ON');
      try {
        rewrite.immediate(id, doc, old, secrets);
      } finally {
        db.pragma(`secure_delete = ${was}`);
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}
