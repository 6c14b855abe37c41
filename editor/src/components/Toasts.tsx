import { useEffect } from 'react';
import { useRoute } from '../stores/router-store.ts';
import { useToasts } from '../stores/toast-store.ts';

const ICONS = { ok: '✓', error: '!', info: 'i' } as const;

/** the latest messages: in the editor at the canvas's top right under the toolbar, elsewhere bottom right, clear of centred dialogs */
export function Toasts() {
  const { toasts, dismiss } = useToasts();
  const path = useRoute((s) => s.path);
  const inEditor = path.startsWith('/flows/');
  useEffect(() => useToasts.getState().dropStale(), [path]);
  return (
    <div className={inEditor ? 'toasts in-editor' : 'toasts'} aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${t.kind}`}>
          <span className="toast-icon">{ICONS[t.kind]}</span>
          <span className="toast-text">{t.text}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
