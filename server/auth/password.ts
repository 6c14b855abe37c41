/**
 * Password hashing with scrypt (node:crypto). The hash string carries its parameters —
 * `scrypt$N$r$p$<salt>$<key>` (base64url) — so they can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ScryptSlots } from './scrypt-slots.ts';

/** at most 4 hashes at once (libuv's default thread pool), 16 more waiting; see ScryptSlots */
const slots = new ScryptSlots(4, 16);

/** how many scrypt computations run right now (never more than 4) */
export const scryptInFlight = (): number => slots.inFlight;

/**
 * 32 MiB of memory per hash, ~70 ms of CPU. Above glibc's 32 MiB cap on its dynamic mmap
 * threshold, so the buffer is always mmapped and handed back to the OS when the hash is done;
 * at 16 MiB every thread that hashed a password kept 16 MiB of freed heap resident for good.
 */
const DEFAULTS = { N: 32768, r: 8, p: 1 } as const;
const KEY_LEN = 32;
const SALT_LEN = 16;

interface Parsed { N: number; r: number; p: number; salt: Buffer; key: Buffer }

function options(N: number, r: number, p: number): ScryptOptions {
  return { N, r, p, maxmem: 256 * N * r * p + 1024 * 1024 };
}

function format(N: number, r: number, p: number, salt: Buffer, key: Buffer): string {
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(hash: string): Parsed | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // bounds keep a tampered row from asking for gigabytes of memory
  const okN = Number.isInteger(N) && N >= 2 && N <= 1 << 20 && (N & (N - 1)) === 0;
  if (!okN || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const { N, r, p } = DEFAULTS;
  const key = await slots.run(() => scryptAsync(password, salt, KEY_LEN, options(N, r, p)), false);
  return format(N, r, p, salt, key);
}

/**
 * false for a wrong password or a malformed hash; never throws for either.
 * Throws PasswordCheckBusyError when too many checks are already waiting.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const h = parse(hash);
  if (!h) return false;
  const key = await slots.run(() => scryptAsync(password, h.salt, h.key.length, options(h.N, h.r, h.p)), true);
  return timingSafeEqual(key, h.key);
}

/** blocking variants, for start-up code and scripts only (they stall the event loop) */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(SALT_LEN);
  const { N, r, p } = DEFAULTS;
  return format(N, r, p, salt, scryptSync(password.normalize('NFC'), salt, KEY_LEN, options(N, r, p)));
}

export function verifyPasswordSync(password: string, hash: string): boolean {
  const h = parse(hash);
  if (!h) return false;
  return timingSafeEqual(scryptSync(password.normalize('NFC'), h.salt, h.key.length, options(h.N, h.r, h.p)), h.key);
}

/** whether a stored hash uses weaker parameters than today's (re-hash on next login) */
export function needsRehash(hash: string): boolean {
  const h = parse(hash);
  return !h || h.N < DEFAULTS.N || h.r < DEFAULTS.r || h.p < DEFAULTS.p;
}
