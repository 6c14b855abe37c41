/** The session: token and user, in memory and in sessionStorage (survives a reload, not the tab). */
import { create } from 'zustand';
import type { User } from '../api/types.ts';

const KEY = 'tributary.session';

interface Saved { token: string; user: User }

interface AuthState {
  token?: string;
  user?: User;
  /** why the user sees the login page (expired session) */
  notice?: string;
  setSession(token: string, user: User): void;
  expire(notice?: string): void;
}

function readSaved(): Saved | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Partial<Saved>;
    return typeof parsed.token === 'string' && parsed.user ? { token: parsed.token, user: parsed.user } : undefined;
  } catch {
    return undefined;
  }
}

const saved = readSaved();

/** viewers read everything and change nothing: the editor hides what the server would refuse */
export function canWrite(user: User | undefined): boolean {
  return user !== undefined && user.role !== 'viewer';
}

export const useCanWrite = (): boolean => useAuth((s) => canWrite(s.user));

export const useAuth = create<AuthState>()((set) => ({
  ...(saved ? { token: saved.token, user: saved.user } : {}),
  setSession(token, user) {
    sessionStorage.setItem(KEY, JSON.stringify({ token, user }));
    set({ token, user, notice: undefined });
  },
  expire(notice) {
    sessionStorage.removeItem(KEY);
    set({ token: undefined, user: undefined, notice });
  },
}));
