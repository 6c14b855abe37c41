/**
 * The canvas's keyboard shortcuts and clipboard (lib/shortcuts.ts says which key does what).
 * Copy, cut and paste use the browser's clipboard events, so the copied nodes are flow JSON
 * any other tab or text editor can take, and JSON copied elsewhere pastes onto the canvas.
 * Nothing fires while the user types into a field.
 */
import { useEffect } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { Position } from '../../../core/flow-types.ts';
import { fragmentText, maskedSecrets, parseFragment, PASTE_OFFSET, type Fragment, type Placement } from '../lib/clipboard.ts';
import { commandOf, isTyping, type Command } from '../lib/shortcuts.ts';
import { useCanvasUi } from '../stores/canvas-ui-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { toast } from '../stores/toast-store.ts';

/** commands a viewer (read-only) may use */
const READ_ONLY_OK: ReadonlySet<Command> = new Set(['copy', 'selectAll', 'find', 'help']);

/** the last copy made here: pasting it again moves each paste a step further */
let lastCopied: { text: string; pastes: number } | undefined;

/** stored credentials do not travel with a copy: say which the copies need */
function warnSecrets(fragment: Fragment): void {
  const left = maskedSecrets(fragment, (type) => useNodeTypes.getState().byType.get(type)?.sensitiveParams ?? []);
  if (left.length > 0) toast.info(`Stored secrets are not copied: enter ${left.map((l) => `${l.param} (copy of ${l.nodeId})`).join(', ')} on the copies.`);
}

export function useCanvasShortcuts(readOnly: boolean): void {
  const flow = useReactFlow();

  useEffect(() => {
    const viewCentre = (): Position | undefined => {
      const rect = document.querySelector('.canvas')?.getBoundingClientRect();
      return rect ? flow.screenToFlowPosition({ x: rect.left + rect.width * 0.3, y: rect.top + rect.height * 0.3 }) : undefined;
    };
    const otherTextSelected = (): boolean => (window.getSelection()?.toString() ?? '') !== '';

    const copy = (): string | undefined => {
      const fragment = useFlow.getState().copySelection();
      if (fragment.nodes.length === 0) return undefined;
      const text = fragmentText(fragment, `${useFlow.getState().name} (copied nodes)`);
      lastCopied = { text, pastes: 0 };
      return text;
    };

    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isTyping(e.target as HTMLElement | null) || document.querySelector('.modal-backdrop')) return;
      const command = commandOf(e);
      if (!command || (readOnly && !READ_ONLY_OK.has(command))) return;
      const store = useFlow.getState();
      switch (command) {
        // copy, cut and paste come as clipboard events (below), which carry the text
        case 'copy':
        case 'cut':
        case 'paste':
          return;
        case 'undo':
          store.undo();
          break;
        case 'redo':
          store.redo();
          break;
        case 'duplicate': {
          const fragment = store.copySelection();
          if (fragment.nodes.length > 0) store.paste(fragment, { offset: PASTE_OFFSET });
          warnSecrets(fragment);
          break;
        }
        case 'selectAll':
          store.selectAll();
          break;
        case 'delete':
          store.deleteSelection();
          break;
        case 'find':
          useCanvasUi.getState().setFind(true);
          break;
        case 'help':
          useCanvasUi.getState().setHelp(true);
          break;
      }
      e.preventDefault();
    };

    const onCopy = (e: ClipboardEvent, cut: boolean): void => {
      if (isTyping(e.target as HTMLElement | null) || otherTextSelected() || (cut && readOnly)) return;
      const text = copy();
      if (text === undefined || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', text);
      e.preventDefault();
      if (cut) useFlow.getState().deleteSelection();
    };

    const onPaste = (e: ClipboardEvent): void => {
      if (readOnly || isTyping(e.target as HTMLElement | null) || document.querySelector('.modal-backdrop')) return;
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (text.trim() === '') return;
      e.preventDefault();
      const parsed = parseFragment(text);
      if ('error' in parsed) return void toast.error(`Not pasted: ${parsed.error}`);
      // the same copy again steps further each time; a flow from elsewhere lands in view
      let where: Placement;
      if (lastCopied?.text === text) {
        lastCopied.pastes++;
        where = { offset: { x: PASTE_OFFSET.x * lastCopied.pastes, y: PASTE_OFFSET.y * lastCopied.pastes } };
      } else {
        const at = viewCentre();
        where = at ? { at, around: useFlow.getState().nodes.map((n) => n.position) } : { offset: PASTE_OFFSET };
      }
      const added = useFlow.getState().paste(parsed.fragment, where);
      if (added.length > 0 && where.at) toast.info(`Pasted ${added.length} node${added.length === 1 ? '' : 's'}`);
      warnSecrets(parsed.fragment);
    };

    const copyListener = (e: ClipboardEvent): void => onCopy(e, false);
    const cutListener = (e: ClipboardEvent): void => onCopy(e, true);
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', copyListener);
    document.addEventListener('cut', cutListener);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', copyListener);
      document.removeEventListener('cut', cutListener);
      document.removeEventListener('paste', onPaste);
    };
  }, [flow, readOnly]);
}
