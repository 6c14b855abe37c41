/** sessions table: only SHA-256 hashes of tokens are stored (see server/auth/sessions.ts). */
import type { Db } from './db.ts';
import type { Role, User } from './users.ts';

export interface SessionsRepo {
  insert(tokenHash: string, userId: string, createdAt: string, expiresAt: string): void;
  /** the session's user when the session exists and `expires_at > now` */
  findUser(tokenHash: string, now: string): User | undefined;
  delete(tokenHash: string): boolean;
  deleteForUser(userId: string): number;
  deleteExpired(now: string): number;
}

interface JoinRow { id: string; username: string; role: Role; created_at: string }

export function createSessionsRepo(db: Db): SessionsRepo {
  const insert = db.prepare<[string, string, string, string]>(
    'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const find = db.prepare<[string, string], JoinRow>(
    `SELECT u.id, u.username, u.role, u.created_at FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ? AND s.expires_at > ?`,
  );
  const del = db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?');
  const delUser = db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?');
  const delExpired = db.prepare<[string]>('DELETE FROM sessions WHERE expires_at <= ?');
  return {
    insert: (h, u, c, e) => void insert.run(h, u, c, e),
    findUser: (h, now) => {
      const r = find.get(h, now);
      return r ? { id: r.id, username: r.username, role: r.role, createdAt: r.created_at } : undefined;
    },
    delete: (h) => del.run(h).changes > 0,
    deleteForUser: (u) => delUser.run(u).changes,
    deleteExpired: (now) => delExpired.run(now).changes,
  };
}
