/** Typed calls of /api/users (admin only, SPEC §3) and of the own-password change (PUT /api/auth/me). */
import { request } from './http.ts';
import type { User } from './types.ts';

export type Role = User['role'];
export const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];

/** a user as GET /api/users lists it */
export interface UserRecord extends User { createdAt: string; disabled: boolean }

export interface UserChange { role?: Role; password?: string; disabled?: boolean }

const enc = encodeURIComponent;

export const usersApi = {
  list: () => request<UserRecord[]>('/api/users'),
  create: (input: { username: string; password: string; role: Role }) => request<UserRecord>('/api/users', { body: input }),
  update: (id: string, change: UserChange) => request<UserRecord>(`/api/users/${enc(id)}`, { method: 'PUT', body: change }),
  changeOwnPassword: (current: string, next: string) =>
    request<User>('/api/auth/me', { method: 'PUT', body: { password: { current, new: next } } }),
};
