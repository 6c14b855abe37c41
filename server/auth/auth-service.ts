/** Login, logout and token check over the store: what the HTTP layer and socket.io need. */
import type { Store } from '../store/store.ts';
import type { User } from '../store/users.ts';
import { authenticateToken, createSession, revokeSession, SESSION_TTL_MS } from './sessions.ts';
import { verifyCredentials } from './users.ts';

export interface LoginResult { token: string; user: User; expiresAt: string }

export interface AuthService {
  /** undefined for a wrong username or password */
  login(username: string, password: string): Promise<LoginResult | undefined>;
  logout(token: string): void;
  authenticate(token: string): User | undefined;
}

export function createAuthService(store: Pick<Store, 'users' | 'sessions'>, options: { ttlMs?: number } = {}): AuthService {
  const ttl = options.ttlMs ?? SESSION_TTL_MS;
  return {
    login: async (username, password) => {
      const user = await verifyCredentials(store, username, password);
      if (!user) return undefined;
      const session = createSession(store, user.id, new Date(), ttl);
      return { token: session.token, user, expiresAt: session.expiresAt };
    },
    logout: (token) => void revokeSession(store, token),
    authenticate: (token) => authenticateToken(store, token),
  };
}
