/**
 * The few browser APIs the editor's modules touch, for running them under node's test runner:
 * sessionStorage (auth-store keeps the session there), location and history (router-store),
 * and fetch resolving `/api/…` against the page's origin as a browser does (api/http.ts).
 * Import this before any store: auth-store reads the saved session when it loads.
 */

class MemoryStorage {
  readonly #items = new Map<string, string>();
  get length(): number {
    return this.#items.size;
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  clear(): void {
    this.#items.clear();
  }
}

let origin = 'http://localhost';
/** the history stack of the tab; the last entry is the current page */
const entries: string[] = ['/'];

const pageLocation = {
  get origin(): string {
    return origin;
  },
  get pathname(): string {
    return entries[entries.length - 1] ?? '/';
  },
  get href(): string {
    return origin + pageLocation.pathname;
  },
};

const pageHistory = {
  get length(): number {
    return entries.length;
  },
  pushState(_state: unknown, _title: string, url?: string | URL | null): void {
    entries.push(new URL(String(url ?? pageLocation.pathname), origin).pathname);
  },
  replaceState(_state: unknown, _title: string, url?: string | URL | null): void {
    entries[entries.length - 1] = new URL(String(url ?? pageLocation.pathname), origin).pathname;
  },
};

const storage = new MemoryStorage();
Object.assign(globalThis, { sessionStorage: storage, location: pageLocation, history: pageHistory });
Object.assign(globalThis, { window: globalThis });

const nodeFetch = globalThis.fetch;
globalThis.fetch = (input: string | URL | Request, init?: RequestInit) =>
  nodeFetch(typeof input === 'string' ? new URL(input, origin) : input, init);

/** a fresh tab on `url` (origin and path): empty history and sessionStorage */
export function openTab(url: string): void {
  const u = new URL(url);
  origin = u.origin;
  entries.splice(0, entries.length, u.pathname);
  storage.clear();
}

/** the pages of the tab's history, oldest first (what Back walks through) */
export function historyEntries(): readonly string[] {
  return [...entries];
}

export const tabStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'clear'> = storage;
