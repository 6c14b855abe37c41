/** User management on the store: validation, hashing, login check. */
import { ValidationError } from '../store/errors.ts';
import type { Store } from '../store/store.ts';
import { isRole, type Role, type User } from '../store/users.ts';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from './password.ts';

type UserStore = Pick<Store, 'users' | 'sessions'>;

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * Hash of a random password nobody knows: checked when the username does not exist,
 * so a wrong username costs as much time as a wrong password.
 */
const DUMMY_HASH = 'scrypt$32768$8$1$OEDV-h1aDwTrtxnEP5G-_w$6h_pTObSNuBJcydMbeT806r0hvINYsyVmDCaNT0L-KI';

export interface NewUser { username: string; password: string; role: Role }

function invalid(path: string, message: string): never {
  throw new ValidationError(`${path} ${message}`, [{ path, message }]);
}

function checkRole(role: unknown): Role {
  if (!isRole(role)) invalid('role', 'must be admin, editor or viewer');
  return role;
}

function checkPassword(password: unknown): string {
  const problem = checkPasswordPolicy(password);
  if (problem) invalid('password', problem.replace(/^password /, ''));
  return password as string;
}

/** ValidationError for bad input, ConflictError when the username is taken */
export async function createUser(store: UserStore, input: NewUser): Promise<User> {
  if (typeof input.username !== 'string' || !USERNAME_PATTERN.test(input.username)) {
    invalid('username', 'must be 1–64 characters of letters, digits, _ . @ -');
  }
  const role = checkRole(input.role);
  const passwordHash = await hashPassword(checkPassword(input.password));
  return store.users.create({ username: input.username, passwordHash, role });
}

/** a new password ends every session of the user; undefined when the user does not exist */
export async function updateUser(
  store: UserStore, id: string, changes: { role?: Role; password?: string },
): Promise<User | undefined> {
  const update: { role?: Role; passwordHash?: string } = {};
  if (changes.role !== undefined) update.role = checkRole(changes.role);
  if (changes.password !== undefined) update.passwordHash = await hashPassword(checkPassword(changes.password));
  const user = store.users.update(id, update);
  if (user && update.passwordHash) store.sessions.deleteForUser(id);
  return user;
}

/** ConflictError('last_admin') for the last admin; false when there is no such user */
export function deleteUser(store: UserStore, id: string): boolean {
  return store.users.delete(id);
}

/** the user when username and password match; same cost whether or not the user exists */
export async function verifyCredentials(store: UserStore, username: string, password: string): Promise<User | undefined> {
  const found = store.users.findByUsername(username);
  const ok = await verifyPassword(password, found?.passwordHash ?? DUMMY_HASH);
  if (!found || !ok) return undefined;
  // a hash made with weaker parameters than today's is replaced while the password is at hand
  if (needsRehash(found.passwordHash)) store.users.update(found.id, { passwordHash: await hashPassword(password) });
  const { passwordHash: _hash, ...user } = found;
  return user;
}
