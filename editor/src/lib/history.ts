/**
 * Undo/redo stacks of snapshots (pure, no React). The caller pushes the state as it was *before*
 * an edit; edits that carry the same coalescing key close together in time share one step, so
 * typing a word in a field or one drag of a node is undone at once.
 */

export interface HistoryEntry<S> {
  state: S;
  /** what kind of edit followed this snapshot (`param:<node>:<field>`, `drag:3`); none: never merged */
  key?: string;
  /** when the last edit merged into this step happened (ms) */
  at: number;
}

export interface History<S> {
  past: readonly HistoryEntry<S>[];
  future: readonly S[];
}

export interface PushOptions {
  key?: string;
  now: number;
  /** an edit with the same key within this many ms of the previous one joins its step */
  windowMs?: number;
  /** steps kept; the oldest are forgotten */
  limit?: number;
}

export const DEFAULT_WINDOW_MS = 1000;
export const DEFAULT_LIMIT = 200;

export function emptyHistory<S>(): History<S> {
  return { past: [], future: [] };
}

/** records `before` as the state to go back to, unless the edit continues the last step */
export function push<S>(h: History<S>, before: S, opts: PushOptions): History<S> {
  const last = h.past.at(-1);
  const windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  if (last && opts.key !== undefined && last.key === opts.key && opts.now - last.at <= windowMs && h.future.length === 0) {
    return { past: [...h.past.slice(0, -1), { ...last, at: opts.now }], future: [] };
  }
  const entry: HistoryEntry<S> = { state: before, at: opts.now, ...(opts.key !== undefined ? { key: opts.key } : {}) };
  const past = [...h.past, entry];
  const limit = opts.limit ?? DEFAULT_LIMIT;
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [] };
}

/** the state to show after undoing, and the stacks with `current` kept for redo; undefined when there is nothing to undo */
export function undo<S>(h: History<S>, current: S): { history: History<S>; state: S } | undefined {
  const last = h.past.at(-1);
  if (!last) return undefined;
  return { state: last.state, history: { past: h.past.slice(0, -1), future: [...h.future, current] } };
}

export function redo<S>(h: History<S>, current: S, now: number): { history: History<S>; state: S } | undefined {
  const next = h.future.at(-1);
  if (next === undefined) return undefined;
  // the step redone is closed: a later edit with the same key starts a new one
  return { state: next, history: { past: [...h.past, { state: current, at: now }], future: h.future.slice(0, -1) } };
}

export const canUndo = (h: History<unknown>): boolean => h.past.length > 0;
export const canRedo = (h: History<unknown>): boolean => h.future.length > 0;
