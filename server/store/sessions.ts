/** sessions table: only SHA-256 hashes of tokens are stored (see server/auth/sessions.ts). */
import type { Db } from './db.ts';
import { toUser, USER_COLUMNS, type User, type UserRow } from './users.ts';

export interface SessionRecord { user: User; expiresAt: string }

export interface SessionsRepo {
  insert(tokenHash: string, userId: string, createdAt: string, expiresAt: string): void;
  /** the session's user when the session exists, `expires_at > now` and the user is not disabled */
  findUser(tokenHash: string, now: string): User | undefined;
  /** the same, with the session's expiry */
  find(tokenHash: string, now: string): SessionRecord | undefined;
  delete(tokenHash: string): boolean;
  /** every session of the user, except the one with `keepTokenHash` */
  deleteForUser(userId: string, keepTokenHash?: string): number;
  deleteExpired(now: string): number;
}

type JoinRow = Omit<UserRow, 'password_hash'> & { expires_at: string };

export function createSessionsRepo(db: Db): SessionsRepo {
  const insert = db.prepare<[string, string, string, string]>(
    'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const userCols = USER_COLUMNS.split(', ').map((c) => `u.${c}`).join(', ');
  const select = db.prepare<[string, string], JoinRow>(
    `SELECT ${userCols}, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0`,
  );
  const del = db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?');
  const delUser = db.prepare<[string, string]>('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?');
  const delExpired = db.prepare<[string]>('DELETE FROM sessions WHERE expires_at <= ?');
  const find = (h: string, now: string): SessionRecord | undefined => {
    const r = select.get(h, now);
    return r ? { user: toUser(r), expiresAt: r.expires_at } : undefined;
  };
  return {
    insert: (h, u, c, e) => void insert.run(h, u, c, e),
    findUser: (h, now) => find(h, now)?.user,
    find,
    delete: (h) => del.run(h).changes > 0,
    deleteForUser: (u, keep) => delUser.run(u, keep ?? '').changes,
    deleteExpired: (now) => delExpired.run(now).changes,
  };
}
