/**
 * Bounds the scrypt work in flight: each hash takes 32 MiB and ~70 ms of a libuv thread, so a
 * login flood from many addresses (which the per-address throttle does not stop) must not take
 * every thread and all the memory. At most `max` run at once; the rest wait in line, and a
 * password check that finds the line full is refused at once (the caller answers 429).
 */
import { AppError } from '../../core/errors.ts';

export class PasswordCheckBusyError extends AppError<'PASSWORD_CHECKS_BUSY'> {
  constructor() {
    super('PASSWORD_CHECKS_BUSY', 'too many password checks are in progress; try again in a second', {});
  }
}

export class ScryptSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number, private readonly maxWaiting: number) {}

  /**
   * Runs `work` when a slot is free. `mayRefuse`: throw PasswordCheckBusyError instead of
   * waiting when the line is full (logins); hashing a new password always waits.
   */
  async run<T>(work: () => Promise<T>, mayRefuse: boolean): Promise<T> {
    if (this.running >= this.max) {
      if (mayRefuse && this.waiting.length >= this.maxWaiting) throw new PasswordCheckBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // hand the slot straight to the next in line, so `running` never drops below what runs
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  get inFlight(): number {
    return this.running;
  }
}
