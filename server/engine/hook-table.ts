/** The table of http-in routes of all running flows; the HTTP layer looks requests up here. */
import type { HookRegistry, HookRoute } from './node-api.ts';

export interface HookMatch { route: HookRoute; params: Record<string, string> }

interface Entry { route: HookRoute; method: string; segments: string[] }

export class HookTable implements HookRegistry {
  private readonly entries: Entry[] = [];

  register(route: HookRoute): () => void {
    const method = route.method.toUpperCase();
    const segments = splitPath(route.path);
    const clash = this.entries.find((e) => e.method === method && e.segments.join('/') === segments.join('/'));
    if (clash) throw new Error(`another running flow already serves ${method} /hooks/${segments.join('/')}`);
    const entry: Entry = { route, method, segments };
    this.entries.push(entry);
    return () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) this.entries.splice(i, 1);
    };
  }

  /** The route for `method path` (path below /hooks/); `undefined` when none; `methodMismatch` when only other methods match. */
  match(method: string, path: string): HookMatch | { methodMismatch: true } | undefined {
    const parts = splitPath(path);
    let other = false;
    for (const e of this.entries) {
      const params = matchSegments(e.segments, parts);
      if (!params) continue;
      if (e.method === method.toUpperCase() || e.method === 'ANY') return { route: e.route, params };
      other = true;
    }
    return other ? { methodMismatch: true } : undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = parts[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(v);
    else if (p !== v) return undefined;
  }
  return params;
}
