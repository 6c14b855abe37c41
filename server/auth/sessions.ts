/** Log-in sessions stored as token hashes with a fixed expiry. */
import type { Store } from '../store/store.ts';
import type { User } from '../store/users.ts';
import type { SessionRecord } from '../store/sessions.ts';
import { hashToken, newSessionToken } from './tokens.ts';

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface Session { token: string; expiresAt: string }

type SessionStore = Pick<Store, 'sessions'>;

export function createSession(store: SessionStore, userId: string, now: Date = new Date(), ttlMs = SESSION_TTL_MS): Session {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  store.sessions.insert(hashToken(token), userId, now.toISOString(), expiresAt);
  return { token, expiresAt };
}

/** the user of a live session; undefined for unknown, expired or malformed tokens */
export function authenticateToken(store: SessionStore, token: string, now: Date = new Date()): User | undefined {
  // a real token is 43 chars; anything far off is not worth a lookup (findSession)
  return findSession(store, token, now)?.user;
}

/** the user and expiry of a live session; undefined as for authenticateToken */
export function findSession(store: SessionStore, token: string, now: Date = new Date()): SessionRecord | undefined {
  if (token.length < 16 || token.length > 256) return undefined;
  return store.sessions.find(hashToken(token), now.toISOString());
}

export function revokeSession(store: SessionStore, token: string): boolean {
  return store.sessions.delete(hashToken(token));
}

export function purgeExpiredSessions(store: SessionStore, now: Date = new Date()): number {
  return store.sessions.deleteExpired(now.toISOString());
}
