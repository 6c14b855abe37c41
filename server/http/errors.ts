/** HTTP errors as `{error, details?}` with a 4xx status; nothing else leaks (no stacks). */
import type { ErrorRequestHandler } from 'express';
import type { ValidationIssue } from '../../core/node-spec.ts';
import type { Logger } from '../../core/logger.ts';
import { storageErrorOf, type StorageError } from '../store/errors.ts';

export class HttpError extends Error {
  /** `code`: a stable name of the error (SPEC §7), e.g. CSRF_ORIGIN */
  constructor(readonly status: number, message: string, readonly details?: ValidationIssue[], readonly code?: string) {
    super(message);
  }
}

export const notFound = (what: string, id: string): HttpError => new HttpError(404, `${what} "${id}" not found`);

/** the storage cannot write: 507 when it is full, 503 when it is unavailable for now (locked, I/O error) */
export function storageStatus(err: StorageError): number {
  return err.code === 'STORAGE_FULL' ? 507 : 503;
}

/** `onStorageError`: told of every write refused for lack of storage (the store's health) */
export function errorHandler(log: Logger, onStorageError?: (err: StorageError) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message, ...(err.code ? { code: err.code } : {}), ...(err.details ? { details: err.details } : {}) });
      return;
    }
    const storage = storageErrorOf(err);
    if (storage) {
      onStorageError?.(storage);
      res.status(storageStatus(storage)).json({ error: storage.message, code: storage.code });
      return;
    }
    const e = err as { type?: string; status?: number; statusCode?: number; message?: string; name?: string };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: `the request body is not valid JSON: ${e.message ?? ''}`.trim() });
      return;
    }
    if (e?.type === 'entity.too.large') {
      res.status(413).json({ error: 'the request body is too large' });
      return;
    }
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: e.message ?? 'bad request' });
      return;
    }
    if (e?.name === 'ValidationError' || e?.name === 'NotFoundError' || e?.name === 'ConflictError') {
      const code = e.name === 'ValidationError' ? 400 : e.name === 'NotFoundError' ? 404 : 409;
      const details = (err as { details?: ValidationIssue[] }).details;
      const stable = (err as { code?: unknown }).code;
      res.status(code).json({ error: e.message, ...(typeof stable === 'string' ? { code: stable } : {}), ...(details ? { details } : {}) });
      return;
    }
    log.error('unhandled error in an API route', { error: e?.message ?? String(err) });
    res.status(500).json({ error: 'internal error' });
  };
}
