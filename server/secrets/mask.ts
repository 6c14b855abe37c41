/**
 * Masking for traces and logs: every occurrence of a known secret inside a string becomes
 * `***`, and values under sensitive keys (password, secret, token, apiKey, authorization…)
 * become `***` whatever they are. Returns a copy; the input is not changed.
 */

export const MASK = '***';
import { isPlainObject } from '../../core/guards.ts';
/** shorter secrets would mask ordinary text */
export const MIN_SECRET_LENGTH = 3;

const SENSITIVE_KEY = /passw(or)?d|^pwd$|secret|token|api[-_]?key|authorization|^cookie$|^set-cookie$|private[-_]?key/i;

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type Masker = ((value: unknown) => unknown) & {
  /** false when JSON text surely holds nothing to mask (no known secret, no sensitive key) */
  mayNeedMasking?: (json: string) => boolean;
  /** `text` with every known secret replaced (for serialisers that mask as they write) */
  maskText?: (text: string) => string;
  isSensitiveKey?: (key: string) => boolean;
  /** length of the longest known secret (0 when none): how far a cut must look ahead to mask whole */
  longestSecret?: number;
};

/** a quoted JSON key that isSensitiveKey would match (false positives only cost a slower path) */
const SENSITIVE_JSON_KEY = /"(?:[^"]*(?:passw(?:or)?d|secret|token|api[-_]?key|authorization|private[-_]?key)[^"]*|pwd|cookie|set-cookie)"\s*:/i;

export function makeMasker(secretValues: string[]): Masker {
  const secrets = [...new Set(secretValues.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))]
    // longest first, so a secret containing another is masked whole
    .sort((a, b) => b.length - a.length);
  const pattern = secrets.length > 0 ? new RegExp(secrets.map(escapeRegExp).join('|'), 'g') : undefined;
  const maskString = (s: string): string => (pattern && s.length >= MIN_SECRET_LENGTH ? s.replace(pattern, MASK) : s);

  const walk = (value: unknown, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return maskString(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[Circular]';
    if (Array.isArray(value)) {
      seen.add(value);
      const out = value.map((v) => walk(v, seen));
      seen.delete(value);
      return out;
    }
    if (!isPlainObject(value)) return value;
    seen.add(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSensitiveKey(k) && v !== null && v !== undefined && v !== '' ? MASK : walk(v, seen);
    }
    seen.delete(value);
    return out;
  };
  const masker: Masker = (value) => walk(value, new WeakSet());
  // in JSON text a secret holding a quote, backslash or control character appears escaped
  const needles = [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))];
  masker.mayNeedMasking = (json) => SENSITIVE_JSON_KEY.test(json) || needles.some((needle) => json.includes(needle));
  masker.maskText = maskString;
  masker.isSensitiveKey = isSensitiveKey;
  masker.longestSecret = secrets[0]?.length ?? 0;
  return masker;
}
