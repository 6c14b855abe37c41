/** users table. Hashing lives in server/auth; this file stores what it is given. */
import type { Db } from './db.ts';
import { ConflictError, isUniqueViolation } from './errors.ts';
import { nowIso, randomId } from './util.ts';

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface User { id: string; username: string; role: Role; createdAt: string }
export interface UserWithHash extends User { passwordHash: string }

interface UserRow { id: string; username: string; password_hash: string; role: Role; created_at: string }

export interface UsersRepo {
  /** every user, without password hashes */
  list(): User[];
  get(id: string): User | undefined;
  /** for login only: includes the hash */
  findByUsername(username: string): UserWithHash | undefined;
  count(): number;
  /** throws ConflictError when the username is taken */
  create(input: { username: string; passwordHash: string; role: Role }): User;
  /** throws ConflictError('last_admin') when it would leave no admin */
  update(id: string, changes: { role?: Role; passwordHash?: string }): User | undefined;
  /** throws ConflictError('last_admin') for the last admin */
  delete(id: string): boolean;
}

function toUser(r: UserRow): User {
  return { id: r.id, username: r.username, role: r.role, createdAt: r.created_at };
}

export function createUsersRepo(db: Db): UsersRepo {
  const cols = 'id, username, password_hash, role, created_at';
  const all = db.prepare<[], UserRow>(`SELECT ${cols} FROM users ORDER BY created_at, username`);
  const byId = db.prepare<[string], UserRow>(`SELECT ${cols} FROM users WHERE id = ?`);
  const byName = db.prepare<[string], UserRow>(`SELECT ${cols} FROM users WHERE username = ?`);
  const countAll = db.prepare<[], number>('SELECT COUNT(*) FROM users').pluck();
  const countAdmins = db.prepare<[], number>("SELECT COUNT(*) FROM users WHERE role = 'admin'").pluck();
  const insert = db.prepare<[string, string, string, Role, string]>(
    'INSERT INTO users (id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const setRole = db.prepare<[Role, string]>('UPDATE users SET role = ? WHERE id = ?');
  const setHash = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE id = ?');
  const remove = db.prepare<[string]>('DELETE FROM users WHERE id = ?');

  const lastAdmin = (): never => {
    throw new ConflictError('cannot remove or demote the last admin', 'last_admin');
  };

  const update = db.transaction((id: string, changes: { role?: Role; passwordHash?: string }) => {
    const row = byId.get(id);
    if (!row) return undefined;
    if (changes.role && changes.role !== 'admin' && row.role === 'admin' && (countAdmins.get() ?? 0) <= 1) {
      lastAdmin();
    }
    if (changes.role) setRole.run(changes.role, id);
    if (changes.passwordHash) setHash.run(changes.passwordHash, id);
    const updated = byId.get(id);
    return updated ? toUser(updated) : undefined;
  });

  const del = db.transaction((id: string) => {
    const row = byId.get(id);
    if (!row) return false;
    if (row.role === 'admin' && (countAdmins.get() ?? 0) <= 1) lastAdmin();
    return remove.run(id).changes > 0;
  });

  return {
    list: () => all.all().map(toUser),
    get: (id) => {
      const r = byId.get(id);
      return r ? toUser(r) : undefined;
    },
    findByUsername: (username) => {
      const r = byName.get(username);
      return r ? { ...toUser(r), passwordHash: r.password_hash } : undefined;
    },
    count: () => countAll.get() ?? 0,
    create: ({ username, passwordHash, role }) => {
      const id = randomId('u_');
      const createdAt = nowIso();
      try {
        insert.run(id, username, passwordHash, role, createdAt);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`username "${username}" is taken`, 'username_taken');
        throw err;
      }
      return { id, username, role, createdAt };
    },
    update: (id, changes) => update.immediate(id, changes),
    delete: (id) => del.immediate(id),
  };
}
