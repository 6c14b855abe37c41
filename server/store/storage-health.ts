/**
 * Whether the store can write. It turns degraded when a write fails for lack of storage (any
 * part of the server reports it here) or when the data directory's free space drops below a
 * floor, and turns healthy again only when a probe that really writes succeeds — checked every
 * second, so the server recovers by itself once space returns, without a restart.
 */
import { statfsSync } from 'node:fs';
import { StorageError, storageErrorOf, type StorageErrorCode } from './errors.ts';

export type StorageEvent =
  /** entered degraded, or the reason changed (full ↔ unavailable) */
  | { kind: 'failed'; error: StorageError }
  /** writable again after `afterMs` */
  | { kind: 'recovered'; afterMs: number }
  /** queued run data that had to be given up (the retry queue was full, or the store closed) */
  | { kind: 'lost'; count: number; error: Error };

export interface StorageCondition { code: StorageErrorCode; message: string; since: string }

export interface StorageHealthOptions {
  /** throws while the store still cannot write (retries what is kept, then writes a probe) */
  probe: () => void;
  /** directory whose free space is watched; none for an in-memory store */
  dataDir?: string;
  /** default 1000 */
  checkMs?: number;
  /** below this many free bytes the storage counts as full (default 1 MiB) */
  minFreeBytes?: number;
}

export const MIN_FREE_BYTES = 1024 * 1024;

export class StorageHealth {
  private current: StorageError | undefined;
  private since = 0;
  private readonly listeners = new Set<(event: StorageEvent) => void>();
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(private readonly options: StorageHealthOptions) {
    this.timer = setInterval(() => this.check(), options.checkMs ?? 1000);
    this.timer.unref();
  }

  /** why the store cannot write now; undefined when it can */
  problem(): StorageError | undefined {
    return this.current;
  }

  condition(): StorageCondition | undefined {
    const c = this.current;
    return c ? { code: c.code, message: c.message, since: new Date(this.since).toISOString() } : undefined;
  }

  /** a write failed for lack of storage */
  failed(error: StorageError): void {
    const changed = this.current?.code !== error.code;
    this.current = error;
    if (this.since === 0) this.since = Date.now();
    if (changed) this.emit({ kind: 'failed', error });
  }

  lost(count: number, error: Error): void {
    if (count > 0) this.emit({ kind: 'lost', count, error });
  }

  /** Checks now: degraded when free space is below the floor; healthy again when the probe writes. */
  check(): void {
    if (this.checking) return;
    this.checking = true;
    try {
      const low = this.lowSpace();
      if (low) return this.failed(low);
      if (!this.current) return;
      this.options.probe();
      const afterMs = Date.now() - this.since;
      this.current = undefined;
      this.since = 0;
      this.emit({ kind: 'recovered', afterMs });
    } catch (err) {
      const storage = storageErrorOf(err);
      if (storage) this.failed(storage);
      // any other probe error leaves the state as it was; the next check tries again
    } finally {
      this.checking = false;
    }
  }

  /** `listener` gets every change; returns the unsubscribe */
  watch(listener: (event: StorageEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private lowSpace(): StorageError | undefined {
    const dir = this.options.dataDir;
    if (!dir) return undefined;
    let free: number;
    try {
      const s = statfsSync(dir);
      // root may use the blocks reserved for it; anyone else only the available ones
      free = (process.getuid?.() === 0 ? s.bfree : s.bavail) * s.bsize;
    } catch {
      return undefined;
    }
    const floor = this.options.minFreeBytes ?? MIN_FREE_BYTES;
    if (free >= floor) return undefined;
    return new StorageError('STORAGE_FULL', `${free} bytes free in ${dir}, below the ${floor} bytes needed`);
  }

  private emit(event: StorageEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // a listener's failure must not stop the others or the checks
      }
    }
  }
}
