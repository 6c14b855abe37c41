import { useCanvasUi } from '../stores/canvas-ui-store.ts';
import { useFlow } from '../stores/flow-store.ts';

/** the toolbar's undo, redo and shortcuts buttons */
export function UndoRedo() {
  const canUndo = useFlow((s) => s.canUndo);
  const canRedo = useFlow((s) => s.canRedo);
  return (
    <span className="btn-group">
      <button type="button" className="btn small ghost" disabled={!canUndo} onClick={() => useFlow.getState().undo()} data-testid="btn-undo" title="Undo (Ctrl+Z)" aria-label="Undo">
        ↶
      </button>
      <button type="button" className="btn small ghost" disabled={!canRedo} onClick={() => useFlow.getState().redo()} data-testid="btn-redo" title="Redo (Ctrl+Shift+Z or Ctrl+Y)" aria-label="Redo">
        ↷
      </button>
      <button type="button" className="btn small ghost" onClick={() => useCanvasUi.getState().setHelp(true)} data-testid="btn-shortcuts" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
        ?
      </button>
    </span>
  );
}
