/** On an empty store, create the `admin` user (SPEC §2): with TRIBUTARY_ADMIN_PASSWORD, or a generated password the caller prints once. */
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../store/errors.ts';
import type { Store } from '../store/store.ts';
import { ConfigError } from '../config.ts';
import { hashPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';

export const FIRST_ADMIN_USERNAME = 'admin';

export interface FirstAdminResult { created: boolean; generatedPassword?: string }

export async function ensureFirstAdmin(store: Pick<Store, 'users'>, envPassword?: string): Promise<FirstAdminResult> {
  if (store.users.count() > 0) return { created: false };
  // checked only when it would be used: a weak password must not guard the first admin
  const problem = envPassword ? passwordProblem(envPassword, FIRST_ADMIN_USERNAME) : undefined;
  if (problem) throw new ConfigError(`TRIBUTARY_ADMIN_PASSWORD: ${problem}; choose another before the first start`);
  const generated = envPassword ? undefined : randomBytes(18).toString('base64url'); // 24 chars, 144 bits
  const password = envPassword || (generated as string);
  const passwordHash = await hashPassword(password);
  try {
    store.users.create({ username: FIRST_ADMIN_USERNAME, passwordHash, role: 'admin' });
  } catch (err) {
    // another process created it while we were hashing
    if (err instanceof ConflictError) return { created: false };
    throw err;
  }
  return generated ? { created: true, generatedPassword: generated } : { created: true };
}
