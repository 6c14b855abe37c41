/** Errors the store and the services on it throw; the HTTP layer maps them to 404/409/400. */
import type { ValidationIssue } from '../../core/node-spec.ts';

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** unique name taken, last admin, … → 409 */
export class ConflictError extends Error {
  constructor(message: string, readonly code: string = 'conflict') {
    super(message);
    this.name = 'ConflictError';
  }
}

/** bad input → 400 `{"error": message, "details": issues}` */
export class ValidationError extends Error {
  constructor(message: string, readonly details: ValidationIssue[]) {
    super(message);
    this.name = 'ValidationError';
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && 'code' in err &&
    (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
