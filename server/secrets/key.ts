/**
 * The key that encrypts connection secrets at rest (SPEC §2).
 * - TRIBUTARY_SECRET_KEY set: any string; the 32-byte key is HKDF-SHA256(ikm = the string,
 *   salt = "tributary", info = "connection-secrets/v1"). The same string always gives the same key.
 * - otherwise `<dataDir>/secret.key`: 32 random bytes written once, created with mode 0600.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import { makePrivateDir } from '../store/private-files.ts';
import { join } from 'node:path';

export const KEY_FILE = 'secret.key';
export const KEY_BYTES = 32;

export interface SecretKey {
  key: Buffer;
  source: 'env' | 'file' | 'file-created';
  /** the key file, when one was used */
  file?: string;
}

export function deriveKey(secret: string): Buffer {
  if (secret.length === 0) throw new Error('TRIBUTARY_SECRET_KEY is empty');
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'tributary', 'connection-secrets/v1', KEY_BYTES));
}

export function loadSecretKey(options: { dataDir: string; envKey?: string | undefined }): SecretKey {
  if (options.envKey) return { key: deriveKey(options.envKey), source: 'env' };
  makePrivateDir(options.dataDir);
  const file = join(options.dataDir, KEY_FILE);
  let fd: number;
  try {
    // 'wx': create only if absent, so two starting processes never write different keys
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { key: readKeyFile(file), source: 'file', file };
  }
  const key = randomBytes(KEY_BYTES);
  try {
    fchmodSync(fd, 0o600); // whatever the umask
    writeSync(fd, key);
  } finally {
    closeSync(fd);
  }
  return { key, source: 'file-created', file };
}

function readKeyFile(file: string): Buffer {
  const key = readFileSync(file);
  if (key.length !== KEY_BYTES) {
    throw new Error(`${file} must hold exactly ${KEY_BYTES} bytes (it has ${key.length}); restore it from a backup`);
  }
  return key;
}
