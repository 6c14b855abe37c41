/** User management on the store: validation, hashing, login check. */
import { invalidField } from '../../core/errors.ts';
import type { Store } from '../store/store.ts';
import { isRole, LANGUAGES, type Preferences, type Role, type User, type UserChanges } from '../store/users.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';

type UserStore = Pick<Store, 'users' | 'sessions'>;

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * Hash of a random password nobody knows: checked when the username does not exist,
 * so a wrong username costs as much time as a wrong password.
 */
const DUMMY_HASH = 'scrypt$32768$8$1$OEDV-h1aDwTrtxnEP5G-_w$6h_pTObSNuBJcydMbeT806r0hvINYsyVmDCaNT0L-KI';

export interface NewUser { username: string; password: string; role: Role }

/** what an admin may change on a user (PUT /api/users/:id) */
export interface UserUpdate { role?: unknown; password?: unknown; disabled?: unknown }

function invalid(path: string, message: string): never {
  throw invalidField(path, message);
}

function checkRole(role: unknown): Role {
  if (!isRole(role)) invalid('role', 'must be admin, editor or viewer');
  return role;
}

/** the password when the policy allows it; ValidationError naming `path` otherwise */
export function checkPassword(password: unknown, username: string, path = 'password'): string {
  const problem = passwordProblem(password, username);
  if (problem) invalid(path, problem);
  return password as string;
}

/** ValidationError for bad input, ConflictError when the username is taken */
export async function createUser(store: UserStore, input: NewUser): Promise<User> {
  if (typeof input.username !== 'string' || !USERNAME_PATTERN.test(input.username)) {
    invalid('username', 'must be 1–64 characters of letters, digits, _ . @ -');
  }
  const role = checkRole(input.role);
  const passwordHash = await hashPassword(checkPassword(input.password, input.username));
  return store.users.create({ username: input.username, passwordHash, role });
}

/**
 * Applies an admin's changes; a new password or `disabled: true` ends the user's sessions
 * (except `keepTokenHash`, the caller's own when they change themselves).
 * Undefined when the user does not exist.
 */
export async function updateUser(store: UserStore, id: string, changes: UserUpdate, keepTokenHash?: string): Promise<User | undefined> {
  const current = store.users.get(id);
  if (!current) return undefined;
  const update: UserChanges = {};
  if (changes.role !== undefined) update.role = checkRole(changes.role);
  if (changes.disabled !== undefined) {
    if (typeof changes.disabled !== 'boolean') invalid('disabled', 'must be true or false');
    update.disabled = changes.disabled;
  }
  if (changes.password !== undefined) update.passwordHash = await hashPassword(checkPassword(changes.password, current.username));
  const user = store.users.update(id, update);
  if (user && endsSessions(update)) store.sessions.deleteForUser(id, keepTokenHash);
  return user;
}

/** whether these changes end the user's sessions */
export function endsSessions(changes: { passwordHash?: string; password?: unknown; disabled?: unknown }): boolean {
  return changes.passwordHash !== undefined || changes.password !== undefined || changes.disabled === true;
}

/** ConflictError('last_admin') for the last admin; false when there is no such user */
export function deleteUser(store: UserStore, id: string): boolean {
  return store.users.delete(id);
}

/**
 * The user when username (without case) and password match and the user is not disabled;
 * same cost whether or not the user exists. `onCheck` is told of every scrypt check.
 */
export async function verifyCredentials(store: UserStore, username: string, password: string, onCheck?: () => void): Promise<User | undefined> {
  const found = store.users.findByUsername(username);
  onCheck?.();
  const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
  if (!found || !ok || found.disabled) return undefined;
  // a hash made with weaker parameters than today's is replaced while the password is at hand
  if (needsRehash(found.passwordHash)) store.users.update(found.id, { passwordHash: await hashPassword(password) });
  const { passwordHash: _hash, ...user } = found;
  return user;
}

/** preferences from a PUT /api/auth/me body: known keys only; null clears one */
export function checkPreferences(input: Record<string, unknown>, current: Preferences): Preferences {
  const next: Preferences = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (key !== 'language') invalid(key, 'is not a preference (known: language)');
    if (value === null) delete next.language;
    else if (typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)) next.language = value as Preferences['language'] & string;
    else invalid('language', `must be one of ${LANGUAGES.join(', ')}`);
  }
  return next;
}
