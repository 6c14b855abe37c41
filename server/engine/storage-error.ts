/**
 * The store cannot write: no space left (`STORAGE_FULL`) or a transient failure such as a
 * lock held too long or an I/O error (`STORAGE_UNAVAILABLE`). The store turns SQLite and file
 * system errors into this class (server/store/errors.ts); the engine refuses runs with it and
 * the HTTP layer answers 507/503 with its code. Defined here because the engine may not import
 * the store.
 */
import { UnavailableError } from '../../core/errors.ts';

export type StorageErrorCode = 'STORAGE_FULL' | 'STORAGE_UNAVAILABLE';

export class StorageError extends UnavailableError<StorageErrorCode> {
  /** `detail`: the underlying error text, e.g. "database is locked" */
  constructor(code: StorageErrorCode, readonly detail: string, options?: { cause?: unknown }) {
    super(code, code === 'STORAGE_FULL'
      ? 'storage full: the data directory has no space left; free some space and retry'
      : `storage unavailable: ${detail}; retry shortly`, {}, options);
    this.name = 'StorageError';
  }

  /** `storage is full` / `storage is unavailable (…)`: the end of a sentence about what could not be stored */
  get reason(): string {
    return this.code === 'STORAGE_FULL' ? 'storage is full' : `storage is unavailable (${this.detail})`;
  }
}

/** what a run whose record cannot be stored reports, e.g. "the run could not be recorded: storage is full" */
export function runNotRecorded(err: StorageError): string {
  return `the run could not be recorded: ${err.reason}`;
}
