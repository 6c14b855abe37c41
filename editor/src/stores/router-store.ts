/** A tiny history-API router: the path is state, links call navigate(). */
import { create } from 'zustand';

interface RouteState {
  path: string;
  /** asked before leaving the page (unsaved changes); false stays */
  leaveGuard?: (() => boolean) | undefined;
  navigate(to: string, options?: { replace?: boolean }): void;
  setLeaveGuard(guard: (() => boolean) | undefined): void;
  sync(): void;
}

export const useRoute = create<RouteState>()((set, get) => ({
  path: window.location.pathname,
  navigate(to, options) {
    if (to === window.location.pathname) return;
    if (!options?.replace && get().leaveGuard?.() === false) return;
    if (options?.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    set({ path: to });
  },
  setLeaveGuard(leaveGuard) {
    set({ leaveGuard });
  },
  sync() {
    set({ path: window.location.pathname });
  },
}));

/**
 * `/flows/:id` against `/flows/f_1` → `{id: 'f_1'}`; undefined when it does not match, also
 * when a parameter has broken %-escapes (a typed address must not break the page)
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, seg] of want.entries()) {
    const actual = got[i] as string;
    if (seg.startsWith(':')) {
      const decoded = decodeSegment(actual);
      if (decoded === undefined) return undefined;
      params[seg.slice(1)] = decoded;
    } else if (seg !== actual) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export const navigate = (to: string, options?: { replace?: boolean }): void => useRoute.getState().navigate(to, options);
