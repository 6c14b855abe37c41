/** Errors the store throws (the vocabulary is core/errors.ts; server/http/errors.ts answers them), and how SQLite's are read. */
import { StorageError } from '../engine/storage-error.ts';

export { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
export { StorageError, type StorageErrorCode } from '../engine/storage-error.ts';

export function isUniqueViolation(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && 'code' in err &&
    (err.code === 'SQLITE_CONSTRAINT_UNIQUE' || err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

/**
 * The one place that decides whether an error means "the store cannot write": by SQLite's
 * extended result code or the file system's errno, never by message text. Anything else → undefined.
 */
export function storageErrorOf(err: unknown): StorageError | undefined {
  if (err instanceof StorageError) return err;
  if (typeof err !== 'object' || err === null || !('code' in err) || typeof err.code !== 'string') return undefined;
  const code = err.code;
  const detail = err instanceof Error ? err.message : code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return new StorageError('STORAGE_FULL', detail, { cause: err });
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_BUSY') || code === 'EIO') {
    return new StorageError('STORAGE_UNAVAILABLE', detail, { cause: err });
  }
  return undefined;
}
