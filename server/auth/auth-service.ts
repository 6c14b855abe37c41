/**
 * Login, logout, token check and user management over the store: what the HTTP layer and
 * socket.io need. Whenever sessions end (logout, new password, user disabled or deleted) it
 * says so to its listeners, so that live connections opened with those sessions are closed:
 * the HTTP layer listens, the auth layer never calls into it.
 */
import { ConflictError, NotFoundError } from '../../core/errors.ts';
import type { Store } from '../store/store.ts';
import type { User } from '../store/users.ts';
import type { SessionRecord } from '../store/sessions.ts';
import { authenticateToken, createSession, findSession, revokeSession, SESSION_TTL_MS } from './sessions.ts';
import { hashToken } from './tokens.ts';
import { hashPassword, verifyPassword } from './password.ts';
import {
  checkPassword, checkPreferences, createUser, deleteUser, endsSessions, updateUser, verifyCredentials,
  type NewUser, type UserUpdate,
} from './users.ts';

export interface LoginResult { token: string; user: User; expiresAt: string }

/**
 * Sessions that just ended: one session (by the SHA-256 of its token, see tokens.ts), or every
 * session of a user except the one kept (the caller's own when they change their password).
 */
export type SessionsEnded =
  | { kind: 'session'; tokenHash: string }
  | { kind: 'user'; userId: string; keepTokenHash?: string };

export type SessionsEndedListener = (ended: SessionsEnded) => void;

export interface AuthService {
  /** undefined for a wrong username or password, or a disabled user */
  login(username: string, password: string): Promise<LoginResult | undefined>;
  logout(token: string): void;
  authenticate(token: string): User | undefined;
  /** the user and expiry of a live session */
  session(token: string): SessionRecord | undefined;
  listUsers(): User[];
  createUser(input: NewUser): Promise<User>;
  /**
   * an admin's change; `callerToken` keeps the caller's own session when they change themselves.
   * NotFoundError, ValidationError, ConflictError (SELF_DISABLE, last_admin)
   */
  updateUser(id: string, changes: UserUpdate, callerToken?: string): Promise<User>;
  /** NotFoundError, ConflictError (SELF_DELETE when `callerId` is the user, last_admin) */
  deleteUser(id: string, callerId?: string): void;
  /** 'wrong' when `current` is not the password; ends the user's other sessions otherwise */
  changeOwnPassword(token: string, current: string, next: unknown): Promise<'changed' | 'wrong'>;
  setPreferences(userId: string, input: Record<string, unknown>): User | undefined;
  /** returns a function that removes the listener */
  onSessionsEnded(listener: SessionsEndedListener): () => void;
}

export interface AuthServiceOptions {
  ttlMs?: number;
  /** told of every scrypt password check a login makes (tests count them) */
  onPasswordCheck?: () => void;
}

export function createAuthService(store: Pick<Store, 'users' | 'sessions'>, options: AuthServiceOptions = {}): AuthService {
  const ttl = options.ttlMs ?? SESSION_TTL_MS;
  const listeners = new Set<SessionsEndedListener>();
  const ended = (e: SessionsEnded): void => {
    for (const l of listeners) l(e);
  };
  const userEnded = (userId: string, keepToken?: string): void =>
    ended({ kind: 'user', userId, ...(keepToken ? { keepTokenHash: hashToken(keepToken) } : {}) });

  return {
    login: async (username, password) => {
      const user = await verifyCredentials(store, username, password, options.onPasswordCheck);
      if (!user) return undefined;
      const session = createSession(store, user.id, new Date(), ttl);
      return { token: session.token, user, expiresAt: session.expiresAt };
    },
    logout: (token) => {
      revokeSession(store, token);
      ended({ kind: 'session', tokenHash: hashToken(token) });
    },
    authenticate: (token) => authenticateToken(store, token),
    session: (token) => findSession(store, token),
    listUsers: () => store.users.list(),
    createUser: (input) => createUser(store, input),
    updateUser: async (id, changes, callerToken) => {
      const self = callerToken !== undefined && authenticateToken(store, callerToken)?.id === id;
      // an admin who disabled themselves would lock themselves out at once
      if (self && changes.disabled === true) throw new ConflictError('SELF_DISABLE', 'you cannot disable yourself', {});
      const keep = self ? callerToken : undefined;
      const user = await updateUser(store, id, changes, keep && hashToken(keep));
      if (!user) throw new NotFoundError('user', id);
      if (endsSessions(changes)) userEnded(id, keep);
      return user;
    },
    deleteUser: (id, callerId) => {
      if (id === callerId) throw new ConflictError('SELF_DELETE', 'you cannot delete yourself', {});
      if (!deleteUser(store, id)) throw new NotFoundError('user', id);
      userEnded(id); // its sessions went with it (ON DELETE CASCADE)
    },
    changeOwnPassword: async (token, current, next) => {
      const user = authenticateToken(store, token);
      const stored = user && store.users.findByUsername(user.username);
      if (!user || !stored) return 'wrong';
      const newPassword = checkPassword(next, user.username, 'password.new');
      options.onPasswordCheck?.();
      if (!(await verifyPassword(current, stored.passwordHash))) return 'wrong';
      store.users.update(user.id, { passwordHash: await hashPassword(newPassword) });
      store.sessions.deleteForUser(user.id, hashToken(token));
      userEnded(user.id, token);
      return 'changed';
    },
    setPreferences: (userId, input) => {
      const user = store.users.get(userId);
      return user && store.users.setPreferences(userId, checkPreferences(input, user.preferences));
    },
    onSessionsEnded: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
