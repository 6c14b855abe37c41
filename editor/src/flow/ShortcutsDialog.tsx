import { Modal } from '../components/Modal.tsx';
import { SHORTCUTS } from '../lib/shortcuts.ts';
import { useCanvasUi } from '../stores/canvas-ui-store.ts';

/** `?`: the canvas's keyboard shortcuts */
export function ShortcutsDialog() {
  const open = useCanvasUi((s) => s.helpOpen);
  if (!open) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => useCanvasUi.getState().setHelp(false)}>
      <table className="shortcuts" data-testid="shortcuts-dialog">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                {s.keys.split(/( or |\+)/).map((k, i) => (k === '+' || k === ' or ' ? <span key={i} className="muted">{k}</span> : <kbd key={i}>{k}</kbd>))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Shortcuts do nothing while you type in a field. On a Mac, Cmd works as Ctrl.</p>
    </Modal>
  );
}
