/**
 * Whether a traced run is on record yet — its start (or its end) stored — or why it cannot
 * be. A trigger that answers someone (http-in) waits on it, so nothing is reported accepted
 * that was not stored. The first outcome counts.
 */
export class RecordGate {
  /** set when the run could not be recorded */
  error: Error | undefined;
  private stored = false;
  private waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> | undefined;

  /** the store's callback (a field, so it can be passed as is) */
  readonly written = (error?: Error): void => {
    if (this.stored || this.error) return;
    if (error) this.error = error;
    else this.stored = true;
    const waiters = this.waiters;
    this.waiters = undefined;
    if (waiters) for (const w of waiters) if (error) w.reject(error); else w.resolve();
  };

  promise(): Promise<void> {
    if (this.stored) return Promise.resolve();
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => (this.waiters ??= []).push({ resolve, reject }));
  }
}

/** `recorded` of a run with nothing to record when it starts (not traced, or its start written before it ran) */
export const onRecord = (): Promise<void> => Promise.resolve();
