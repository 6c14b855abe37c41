/**
 * Slows down password guessing: after `maxPerUser` failed logins for one username from one
 * address, or `maxPerAddress` from one address for any usernames, within `windowMs`, further
 * attempts from that address are refused until the window ends — without checking the password,
 * so a guessing client costs no scrypt time. Per address, so a guesser elsewhere cannot lock
 * the real user out. In memory: a restart forgets it, which only helps the guesser once.
 */
export interface ThrottleOptions {
  maxPerUser?: number;
  maxPerAddress?: number;
  windowMs?: number;
  now?: () => number;
}

interface Window { failures: number; since: number }

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
    return w && w.failures >= max ? w.since + this.windowMs - this.now() : 0;
  }

  private count(key: string): void {
    const w = this.current(key);
    if (w) w.failures++;
    else this.windows.set(key, { failures: 1, since: this.now() });
    if (this.windows.size > 10_000) this.prune();
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
