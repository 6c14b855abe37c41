/**
 * Slows down password guessing: after `maxPerUser` failed logins for one username from one
 * address, or `maxPerAddress` from one address for any usernames, within `windowMs`, further
 * attempts from that address are refused until the window ends — without checking the password,
 * so a guessing client costs no scrypt time. Per address, so a guesser elsewhere cannot lock
 * the real user out. In memory: a restart forgets it, which only helps the guesser once.
 *
 * An attempt takes its place BEFORE the password is checked (`reserve`): checks still running
 * count as failures until they end, so a burst of concurrent guesses gets no more checks than
 * the limit, and a right password sent within the burst is refused like the rest.
 */
export interface ThrottleOptions {
  maxPerUser?: number;
  maxPerAddress?: number;
  windowMs?: number;
  now?: () => number;
}

interface Window { failures: number; pending: number; since: number }

/** an attempt that holds its place until the password check ends */
export interface Attempt {
  failed(): void;
  succeeded(): void;
  /** the check did not happen (server busy, bad input): the place is given back */
  cancelled(): void;
}

export type Reservation = { ok: true; attempt: Attempt } | { ok: false; retryAfterMs: number };

export class LoginThrottle {
  private readonly maxPerUser: number;
  private readonly maxPerAddress: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly windows = new Map<string, Window>();

  constructor(options: ThrottleOptions = {}) {
    this.maxPerUser = options.maxPerUser ?? 5;
    this.maxPerAddress = options.maxPerAddress ?? 30;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** ms until this address may try this username again; 0 when it may now */
  retryAfterMs(address: string, username: string): number {
    return Math.max(this.blockedFor(userKey(address, username), this.maxPerUser), this.blockedFor(addressKey(address), this.maxPerAddress));
  }

  /** a place for one password check, or how long to wait when the limit is reached */
  reserve(address: string, username: string): Reservation {
    const wait = this.retryAfterMs(address, username);
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    const keys = [userKey(address, username), addressKey(address)];
    const held = keys.map((key) => this.window(key));
    for (const w of held) w.pending++;
    let open = true;
    const end = (outcome: 'failed' | 'succeeded' | 'cancelled'): void => {
      if (!open) return;
      open = false;
      // a window that ended or was cleared meanwhile is no longer counted
      for (const [i, key] of keys.entries()) if (this.windows.get(key) === held[i]) held[i]!.pending--;
      if (outcome === 'failed') this.failed(address, username);
      if (outcome === 'succeeded') this.succeeded(address, username);
    };
    return { ok: true, attempt: { failed: () => end('failed'), succeeded: () => end('succeeded'), cancelled: () => end('cancelled') } };
  }

  failed(address: string, username: string): void {
    this.count(userKey(address, username));
    this.count(addressKey(address));
  }

  /** a successful login forgets that username's failures from that address */
  succeeded(address: string, username: string): void {
    this.windows.delete(userKey(address, username));
  }

  private blockedFor(key: string, max: number): number {
    const w = this.current(key);
    return w && w.failures + w.pending >= max ? w.since + this.windowMs - this.now() : 0;
  }

  private count(key: string): void {
    this.window(key).failures++;
  }

  private window(key: string): Window {
    let w = this.current(key);
    if (!w) {
      this.windows.set(key, (w = { failures: 0, pending: 0, since: this.now() }));
      if (this.windows.size > 10_000) this.prune();
    }
    return w;
  }

  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    if (w && this.now() - w.since >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private prune(): void {
    for (const key of [...this.windows.keys()]) this.current(key);
  }
}

const userKey = (address: string, username: string): string => `u\u0000${address}\u0000${username.toLowerCase()}`;
const addressKey = (address: string): string => `a\u0000${address}`;
