/**
 * The server's error vocabulary: an AppError carries a stable code (core/error-codes.ts), the
 * HTTP status that code has, its params and, for bad input, the fields at fault. Services throw
 * these; server/http/errors.ts turns any of them into the answer, in one place. The classes
 * are the families callers catch; each accepts only the codes of its status.
 */
import { ERROR_CODES, type CodeWithStatus, type ErrorBody, type ErrorCode, type ErrorParams } from './error-codes.ts';
import type { ValidationIssue } from './node-spec.ts';

export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;

  constructor(
    readonly code: C,
    message: string,
    readonly params: ErrorParams<C>,
    readonly details?: ValidationIssue[],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name; // a family below names its members after itself
    this.status = ERROR_CODES[code].status;
  }

  /** the answer's body (SPEC §7) */
  body(): ErrorBody {
    const params = this.params as Record<string, string | number>;
    return {
      error: this.message,
      code: this.code,
      ...(Object.keys(params).length > 0 ? { params } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** `what "id" not found` (404) */
export class NotFoundError extends AppError<'NOT_FOUND'> {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} "${id}" not found`, { what, id });
    this.name = 'NotFoundError'; // the family's name, also for subclasses (FlowNotFoundError)
  }
}

/** bad input (400): every issue names its field in `details` */
export class ValidationError<C extends CodeWithStatus<400> = CodeWithStatus<400>> extends AppError<C> {
  constructor(message: string, override readonly details: ValidationIssue[], code: C, params: ErrorParams<C>) {
    super(code, message, params, details);
    this.name = 'ValidationError';
  }
}

/** one field is wrong: `field: message`, with the field in `params` and `details` */
export function invalidField(field: string, message: string): ValidationError<'INVALID_INPUT'> {
  return new ValidationError(`${field ? `${field}: ` : 'the body '}${message}`, [{ path: field, message }], 'INVALID_INPUT', { field });
}

/** the message of a document with several problems: `lead: ` and the first three issues */
export function issuesMessage(lead: string, details: ValidationIssue[]): string {
  const listed = details.map((d) => `${d.path}: ${d.message}`).slice(0, 3).join('; ');
  return `${lead}: ${listed}${details.length > 3 ? ` (and ${details.length - 3} more)` : ''}`;
}

/** unique name taken, last admin, flow not running… (409) */
export class ConflictError<C extends CodeWithStatus<409> = CodeWithStatus<409>> extends AppError<C> {
  constructor(code: C, message: string, params: ErrorParams<C>, options?: ErrorOptions) {
    super(code, message, params, undefined, options);
    this.name = 'ConflictError';
  }
}

/** authenticated, but the role may not (403) */
export class ForbiddenError<C extends CodeWithStatus<403> = CodeWithStatus<403>> extends AppError<C> {
  constructor(code: C, message: string, params: ErrorParams<C>) {
    super(code, message, params);
  }
}

/** something the server depends on failed or is not ready; retrying later may help (502/503/504/507) */
export class UnavailableError<C extends CodeWithStatus<502 | 503 | 504 | 507> = CodeWithStatus<502 | 503 | 504 | 507>> extends AppError<C> {
  constructor(code: C, message: string, params: ErrorParams<C>, options?: ErrorOptions) {
    super(code, message, params, undefined, options);
  }
}

/** an answer for a listener that is not express (/hooks): the status and body of `code`, with fields added (`runId`) */
export function errorReply<C extends ErrorCode>(
  code: C, message: string, params: ErrorParams<C>, extra: Record<string, unknown> = {},
): { status: number; body: ErrorBody & Record<string, unknown> } {
  const error = new AppError(code, message, params);
  return { status: error.status, body: { ...error.body(), ...extra } };
}
