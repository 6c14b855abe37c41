/**
 * The one place errors become HTTP answers: `{error, code, params?, details?}` (SPEC §7) with
 * the status of the code (core/error-codes.ts). Services throw core/errors.ts classes; the
 * store's failures to write become STORAGE_FULL/STORAGE_UNAVAILABLE; express's body parser
 * errors get codes here; anything else is a 500 that tells nothing (no stack, no text).
 */
import type { ErrorRequestHandler } from 'express';
import { AppError } from '../../core/errors.ts';
import type { ErrorBody } from '../../core/error-codes.ts';
import { errorMessage } from '../../core/guards.ts';
import type { Logger } from '../../core/logger.ts';
import { storageErrorOf, type StorageError } from '../store/errors.ts';

/** the answer to `err`: its status and body (`path`: the request's, for a file not found) */
export function errorAnswer(err: unknown, path = ''): { status: number; body: ErrorBody } | undefined {
  const known = storageErrorOf(err) ?? (err instanceof AppError ? err : expressError(err, path));
  return known ? { status: known.status, body: known.body() } : undefined;
}

/** the 4xx errors of express's own parts: express.json's (they carry `type`), res.sendFile's 404 */
function expressError(err: unknown, path: string): AppError | undefined {
  const e = err as { type?: unknown; status?: unknown; message?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  if (e.status === 404) return new AppError('NOT_FOUND', errorMessage(err), { what: 'file', id: path });
  if (e.type === 'entity.parse.failed') return new AppError('BODY_NOT_JSON', `the request body is not valid JSON: ${errorMessage(err)}`, {});
  if (e.type === 'entity.too.large') return new AppError('BODY_TOO_LARGE', 'the request body is too large', {});
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return new AppError('BODY_ENCODING_UNSUPPORTED', errorMessage(err), {});
  return new AppError('BODY_UNREADABLE', `the request body could not be read: ${errorMessage(err)}`, {});
}

/** `onStorageError`: told of every write refused for lack of storage (the store's health) */
export function errorHandler(log: Logger, onStorageError?: (err: StorageError) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const storage = storageErrorOf(err);
    if (storage) onStorageError?.(storage);
    const answer = errorAnswer(err, req.path);
    if (answer) return void res.status(answer.status).json(answer.body);
    log.error('unhandled error in an API route', { error: errorMessage(err) });
    res.status(500).json(new AppError('INTERNAL', 'internal error', {}).body());
  };
}
