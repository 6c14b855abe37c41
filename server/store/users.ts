/** users table. Hashing lives in server/auth; this file stores what it is given. */
import type { Db } from './db.ts';
import { ConflictError, isUniqueViolation } from './errors.ts';
import { nowIso, randomId } from './util.ts';

export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** per-user settings of the editor (SPEC §3); a key left out means "not chosen" */
export interface Preferences { language?: Language }

export interface User { id: string; username: string; role: Role; createdAt: string; disabled: boolean; preferences: Preferences }
export interface UserWithHash extends User { passwordHash: string }

export interface UserRow { id: string; username: string; password_hash: string; role: Role; created_at: string; disabled: number; preferences: string }

export interface UserChanges { role?: Role; passwordHash?: string; disabled?: boolean }

export interface UsersRepo {
  /** every user, without password hashes */
  list(): User[];
  get(id: string): User | undefined;
  /** for login only: includes the hash; the name is compared without case */
  findByUsername(username: string): UserWithHash | undefined;
  count(): number;
  /** throws ConflictError when the username is taken (in any case) */
  create(input: { username: string; passwordHash: string; role: Role }): User;
  /** throws ConflictError('last_admin') when it would leave no enabled admin */
  update(id: string, changes: UserChanges): User | undefined;
  /** replaces the user's preferences; undefined when there is no such user */
  setPreferences(id: string, preferences: Preferences): User | undefined;
  /** throws ConflictError('last_admin') for the last enabled admin */
  delete(id: string): boolean;
}

function parsePreferences(text: string): Preferences {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Preferences) : {};
  } catch {
    return {};
  }
}

/** the API shape of a users row (also used by the sessions join) */
export function toUser(r: Omit<UserRow, 'password_hash'>): User {
  return { id: r.id, username: r.username, role: r.role, createdAt: r.created_at, disabled: r.disabled === 1, preferences: parsePreferences(r.preferences) };
}

export const USER_COLUMNS = 'id, username, role, created_at, disabled, preferences';

export function createUsersRepo(db: Db): UsersRepo {
  const cols = `${USER_COLUMNS}, password_hash`;
  const all = db.prepare<[], UserRow>(`SELECT ${cols} FROM users ORDER BY created_at, username`);
  const byId = db.prepare<[string], UserRow>(`SELECT ${cols} FROM users WHERE id = ?`);
  const byName = db.prepare<[string], UserRow>(`SELECT ${cols} FROM users WHERE username = ? COLLATE NOCASE`);
  const countAll = db.prepare<[], number>('SELECT COUNT(*) FROM users').pluck();
  const countAdmins = db.prepare<[], number>("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0").pluck();
  const insert = db.prepare<[string, string, string, Role, string]>(
    'INSERT INTO users (id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const setRole = db.prepare<[Role, string]>('UPDATE users SET role = ? WHERE id = ?');
  const setHash = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE id = ?');
  const setDisabled = db.prepare<[number, string]>('UPDATE users SET disabled = ? WHERE id = ?');
  const setPrefs = db.prepare<[string, string]>('UPDATE users SET preferences = ? WHERE id = ?');
  const remove = db.prepare<[string]>('DELETE FROM users WHERE id = ?');

  const lastAdmin = (): never => {
    throw new ConflictError('last_admin', 'cannot remove, demote or disable the last admin', {});
  };
  /** whether this row is an enabled admin that no other enabled admin would replace */
  const isLastAdmin = (row: UserRow): boolean => row.role === 'admin' && row.disabled === 0 && (countAdmins.get() ?? 0) <= 1;

  const update = db.transaction((id: string, changes: UserChanges) => {
    const row = byId.get(id);
    if (!row) return undefined;
    const demoted = changes.role !== undefined && changes.role !== 'admin';
    if ((demoted || changes.disabled === true) && isLastAdmin(row)) lastAdmin();
    if (changes.role) setRole.run(changes.role, id);
    if (changes.passwordHash) setHash.run(changes.passwordHash, id);
    if (changes.disabled !== undefined) setDisabled.run(changes.disabled ? 1 : 0, id);
    const updated = byId.get(id);
    return updated ? toUser(updated) : undefined;
  });

  const del = db.transaction((id: string) => {
    const row = byId.get(id);
    if (!row) return false;
    if (isLastAdmin(row)) lastAdmin();
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
        if (isUniqueViolation(err)) throw new ConflictError('username_taken', `username "${username}" is taken`, { username });
        throw err;
      }
      return { id, username, role, createdAt, disabled: false, preferences: {} };
    },
    update: (id, changes) => update.immediate(id, changes),
    setPreferences: (id, preferences) => (setPrefs.run(JSON.stringify(preferences), id).changes > 0 ? toUser(byId.get(id)!) : undefined),
    delete: (id) => del.immediate(id),
  };
}
