/**
 * Which passwords a user may choose: at least 12 characters, not one of the most common
 * passwords (also with digits or symbols around it, or letters swapped for look-alikes), not the
 * username or containing it, not a run of a few characters or a keyboard row.
 * A length rule plus a list rather than a strength estimator: no dependency, and the list
 * covers what guessers try first.
 */
import { readFileSync } from 'node:fs';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

const COMMON: ReadonlySet<string> = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '' && !line.startsWith('#')),
);

/** letters people swap for look-alike digits and symbols */
const LOOK_ALIKES: Record<string, string> = { '@': 'a', '4': 'a', '8': 'b', '3': 'e', '1': 'i', '!': 'i', '0': 'o', '$': 's', '5': 's', '7': 't', '+': 't' };

const SEQUENCES = [
  '0123456789'.repeat(4), 'abcdefghijklmnopqrstuvwxyz'.repeat(2), 'qwertyuiopasdfghjklzxcvbnm', 'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p', 'qazwsxedcrfvtgbyhnujmikolp',
];

const stripEnds = (s: string): string => s.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
const unswap = (s: string): string => s.replace(/[@4831!0$57+]/g, (c) => LOOK_ALIKES[c] ?? c);

function isCommon(lower: string): boolean {
  const core = stripEnds(lower);
  return COMMON.has(lower) || COMMON.has(unswap(lower)) || (core.length > 0 && (COMMON.has(core) || COMMON.has(stripEnds(unswap(core)))));
}

function isSequence(lower: string): boolean {
  return SEQUENCES.some((seq) => seq.includes(lower) || [...seq].reverse().join('').includes(lower));
}

/**
 * What is wrong with a password, as the message shown after `password:`
 * (e.g. "must be at least 12 characters"); undefined when it may be used.
 */
export function passwordProblem(password: unknown, username?: string): string | undefined {
  if (typeof password !== 'string') return 'must be a string';
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.normalize('NFC').toLowerCase();
  const name = username?.toLowerCase() ?? '';
  // a name of one or two letters is inside too many good passwords to refuse them all
  if (name !== '' && (lower === name || (name.length >= 3 && lower.includes(name)))) return 'must not contain the username';
  if (new Set(lower).size < 5) return 'is too repetitive: use more different characters';
  if (isSequence(lower)) return 'is a keyboard or alphabet sequence';
  if (isCommon(lower)) return 'is too common: it is on the list of passwords guessers try first';
  return undefined;
}
