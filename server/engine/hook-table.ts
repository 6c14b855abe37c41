/** The table of http-in routes of all running flows; the HTTP layer looks requests up here. */
import type { HookRegistry, HookRoute } from './node-api.ts';

export interface HookMatch { route: HookRoute; params: Record<string, string> }

interface Entry { route: HookRoute; method: string; segments: string[]; shape: string }

export class HookTable implements HookRegistry {
  private readonly entries: Entry[] = [];

  /**
   * Refuses a route that would answer exactly the requests another one answers: same method
   * (or ANY on either side) and the same path up to the names of its parameters
   * (`orders/:id` and `orders/:key` are one route).
   */
  register(route: HookRoute): () => void {
    const method = route.method.toUpperCase();
    const segments = splitPath(route.path);
    const shape = segments.map((s) => (s.startsWith(':') ? ':' : s)).join('/');
    const clash = this.entries.find((e) => e.shape === shape && (e.method === method || e.method === 'ANY' || method === 'ANY'));
    if (clash) {
      const theirs = `${clash.method} /hooks/${clash.segments.join('/')}`;
      const ours = `${method} /hooks/${segments.join('/')}`;
      throw new Error(`another running flow already serves ${theirs === ours ? ours : `${theirs}, which answers ${ours} too`}`);
    }
    const entry: Entry = { route, method, segments, shape };
    this.entries.push(entry);
    return () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) this.entries.splice(i, 1);
    };
  }

  /**
   * The route for `method path` (path below /hooks/); `undefined` when none; `methodMismatch`
   * when only other methods match. Where several match, the most specific wins: a literal
   * segment beats a parameter, from the left (`orders/new` before `orders/:id`), and an exact
   * method beats ANY. Throws URIError for a parameter that is not valid percent-encoding.
   */
  match(method: string, path: string): HookMatch | { methodMismatch: true } | undefined {
    const parts = splitPath(path);
    const wanted = method.toUpperCase();
    let best: Entry | undefined;
    let other = false;
    for (const e of this.entries) {
      if (!fits(e.segments, parts)) continue;
      if (e.method !== wanted && e.method !== 'ANY') {
        other = true;
        continue;
      }
      if (!best || moreSpecific(e, best)) best = e;
    }
    if (best) return { route: best.route, params: paramsOf(best.segments, parts) };
    return other ? { methodMismatch: true } : undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function fits(pattern: string[], parts: string[]): boolean {
  if (pattern.length !== parts.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (!p.startsWith(':') && p !== parts[i]) return false;
  }
  return true;
}

function moreSpecific(a: Entry, b: Entry): boolean {
  for (let i = 0; i < a.segments.length; i++) {
    const aParam = a.segments[i]!.startsWith(':');
    const bParam = b.segments[i]!.startsWith(':');
    if (aParam !== bParam) return bParam;
  }
  return a.method !== 'ANY' && b.method === 'ANY';
}

function paramsOf(pattern: string[], parts: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(parts[i]!);
  }
  return params;
}
