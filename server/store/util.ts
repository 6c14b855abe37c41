/** Small helpers shared by the repositories. */
import { randomBytes } from 'node:crypto';

/** `prefix` + 8 random hex chars, e.g. `f_3fa91c0d` */
export function randomId(prefix: string): string {
  return prefix + randomBytes(4).toString('hex');
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** JSON text for a column; `undefined` becomes `null` so the column stays valid JSON */
export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function fromJson<T = unknown>(text: string): T {
  return JSON.parse(text) as T;
}
