/** What each role may do (SPEC §3): viewer reads, editor also writes flows/connections/runs, admin also manages users. */
import type { Role } from '../store/users.ts';

export type Action = 'read' | 'write' | 'admin';

const ALLOWED: Record<Role, readonly Action[]> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

export function can(role: Role, action: Action): boolean {
  return ALLOWED[role]?.includes(action) ?? false;
}
