/** connections table. Secrets arrive already encrypted (server/connections encrypts them). */
import type { Environment } from '../../core/connection-types.ts';
import type { Db } from './db.ts';
import { ConflictError, isUniqueViolation } from './errors.ts';
import { fromJson, nowIso, toJson } from './util.ts';

export interface ConnectionRow {
  id: string;
  name: string;
  type: string;
  environment: Environment;
  params: Record<string, unknown>;
  /** `v1:…` ciphertext of the secrets object, null when there are none */
  secretsEnc: string | null;
  createdAt: string;
  updatedAt: string;
}

export type ConnectionWrite = Omit<ConnectionRow, 'id' | 'createdAt' | 'updatedAt'>;

export interface ConnectionsRepo {
  list(filter?: { environment?: string; type?: string }): ConnectionRow[];
  get(id: string): ConnectionRow | undefined;
  getByName(name: string): ConnectionRow | undefined;
  /** ConflictError('name_taken') when the name is used */
  insert(id: string, row: ConnectionWrite): ConnectionRow;
  update(id: string, row: ConnectionWrite): ConnectionRow | undefined;
  delete(id: string): boolean;
}

interface DbRow {
  id: string; name: string; type: string; environment: Environment; params: string;
  secrets_enc: string | null; created_at: string; updated_at: string;
}

const COLS = 'id, name, type, environment, params, secrets_enc, created_at, updated_at';

function toRow(r: DbRow): ConnectionRow {
  return {
    id: r.id, name: r.name, type: r.type, environment: r.environment,
    params: fromJson<Record<string, unknown>>(r.params), secretsEnc: r.secrets_enc,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function createConnectionsRepo(db: Db): ConnectionsRepo {
  const byId = db.prepare<[string], DbRow>(`SELECT ${COLS} FROM connections WHERE id = ?`);
  const byName = db.prepare<[string], DbRow>(`SELECT ${COLS} FROM connections WHERE name = ?`);
  const insert = db.prepare<[string, string, string, string, string, string | null, string, string]>(
    `INSERT INTO connections (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare<[string, string, string, string, string | null, string, string]>(
    `UPDATE connections SET name = ?, type = ?, environment = ?, params = ?, secrets_enc = ?, updated_at = ?
     WHERE id = ?`,
  );
  const del = db.prepare<[string]>('DELETE FROM connections WHERE id = ?');

  const nameTaken = (err: unknown, name: string): never => {
    if (isUniqueViolation(err)) throw new ConflictError('name_taken', `a connection named "${name}" exists`, { name });
    throw err;
  };

  return {
    list: (filter = {}) => {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.type !== undefined) {
        where.push('type = ?');
        args.push(filter.type);
      }
      if (filter.environment !== undefined) {
        where.push('environment = ?');
        args.push(filter.environment);
      }
      const sql = `SELECT ${COLS} FROM connections${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY name`;
      return db.prepare<string[], DbRow>(sql).all(...args).map(toRow);
    },
    get: (id) => {
      const r = byId.get(id);
      return r ? toRow(r) : undefined;
    },
    getByName: (name) => {
      const r = byName.get(name);
      return r ? toRow(r) : undefined;
    },
    insert: (id, row) => {
      const at = nowIso();
      try {
        insert.run(id, row.name, row.type, row.environment, toJson(row.params), row.secretsEnc, at, at);
      } catch (err) {
        nameTaken(err, row.name);
      }
      return { id, ...row, createdAt: at, updatedAt: at };
    },
    update: (id, row) => {
      const at = nowIso();
      try {
        if (update.run(row.name, row.type, row.environment, toJson(row.params), row.secretsEnc, at, id).changes === 0) {
          return undefined;
        }
      } catch (err) {
        nameTaken(err, row.name);
      }
      const r = byId.get(id);
      return r ? toRow(r) : undefined;
    },
    delete: (id) => del.run(id).changes > 0,
  };
}
