import { FindNode } from './FindNode.tsx';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';
import { useCanvasShortcuts } from './use-canvas-shortcuts.ts';

/** the canvas's keyboard shortcuts, clipboard, Ctrl+F box and `?` dialog (inside the ReactFlowProvider) */
export function CanvasCommands({ readOnly }: { readOnly: boolean }) {
  useCanvasShortcuts(readOnly);
  return (
    <>
      <FindNode />
      <ShortcutsDialog />
    </>
  );
}
