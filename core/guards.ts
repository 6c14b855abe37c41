/** The type guards and the error-text helper every layer shares (one copy each). */

/** a JSON-style object: not null, not an array (class instances pass; see isPlainObject) */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** an object literal or `Object.create(null)`: walked by scanners, where class instances are values */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** the readable text of anything thrown: its message, else its code or name; an AggregateError's parts */
export function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    // e.g. a refused connection tried on ::1 and 127.0.0.1
    return err.message || err.errors.map(errorMessage).join('; ');
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return err.message || (typeof code === 'string' ? code : err.name);
  }
  return String(err);
}

/** anything thrown as an Error (a thrown string or object becomes the message) */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
