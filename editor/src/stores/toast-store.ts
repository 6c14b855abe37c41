/** Short messages shown near the toolbar; errors stay longer. */
import { create } from 'zustand';

export type ToastKind = 'ok' | 'error' | 'info';

export interface Toast { id: number; kind: ToastKind; text: string; at: number }

interface ToastState {
  toasts: Toast[];
  push(kind: ToastKind, text: string): void;
  dismiss(id: number): void;
  /** on leaving a page: its messages go, except those just raised (an import that opens the flow) */
  dropStale(): void;
}

let nextId = 1;

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(kind, text) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-2), { id, kind, text, at: Date.now() }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 9000 : 3500);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  dropStale() {
    const now = Date.now();
    if (get().toasts.some((t) => now - t.at > 300)) set({ toasts: get().toasts.filter((t) => now - t.at <= 300) });
  },
}));

export const toast = {
  ok: (text: string) => useToasts.getState().push('ok', text),
  error: (text: string) => useToasts.getState().push('error', text),
  info: (text: string) => useToasts.getState().push('info', text),
};
