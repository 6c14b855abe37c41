/**
 * The canvas's keyboard shortcuts: which key does what (pure; the hook in
 * flow/use-canvas-shortcuts.ts acts on them), and when they stay quiet: while the user types
 * into a field, a text area or a code editor the keys belong to that field.
 */

export type Command = 'undo' | 'redo' | 'copy' | 'cut' | 'paste' | 'duplicate' | 'selectAll' | 'delete' | 'find' | 'help';

export interface KeyLike { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }

/** the shortcuts dialog and the toolbar's titles read this list */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'Ctrl+Z', what: 'Undo' },
  { keys: 'Ctrl+Shift+Z or Ctrl+Y', what: 'Redo' },
  { keys: 'Ctrl+C', what: 'Copy the selected nodes (as flow JSON)' },
  { keys: 'Ctrl+X', what: 'Cut the selected nodes' },
  { keys: 'Ctrl+V', what: 'Paste nodes, or a flow exported as JSON' },
  { keys: 'Ctrl+D', what: 'Duplicate the selected nodes' },
  { keys: 'Ctrl+A', what: 'Select all nodes' },
  { keys: 'Shift+click', what: 'Add a node to the selection' },
  { keys: 'Shift+drag', what: 'Select the nodes in a box' },
  { keys: 'Delete or Backspace', what: 'Delete the selection' },
  { keys: 'Ctrl+F', what: 'Find a node by label, id or type' },
  { keys: 'Ctrl+S', what: 'Save' },
  { keys: '?', what: 'Show these shortcuts' },
];

/** the command a key press asks for, if any (Cmd counts as Ctrl on a Mac) */
export function commandOf(e: KeyLike): Command | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && !e.altKey) {
    if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !e.shiftKey) return 'redo';
    if (e.shiftKey) return undefined;
    if (key === 'c') return 'copy';
    if (key === 'x') return 'cut';
    if (key === 'v') return 'paste';
    if (key === 'd') return 'duplicate';
    if (key === 'a') return 'selectAll';
    if (key === 'f') return 'find';
    return undefined;
  }
  if (mod || e.altKey) return undefined;
  if (e.key === '?') return 'help';
  if (e.key === 'Delete' || e.key === 'Backspace') return 'delete';
  return undefined;
}

export interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
  closest?(selector: string): unknown;
}

const NOT_TEXT = new Set(['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset', 'image']);

/** true when keys typed now go into a field: text inputs, text areas, selects, contenteditable, CodeMirror or Monaco */
export function isTyping(target: TargetLike | null | undefined): boolean {
  if (!target) return false;
  const tag = target.tagName?.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NOT_TEXT.has((target.type ?? 'text').toLowerCase());
  if (target.isContentEditable) return true;
  return Boolean(target.closest?.('.cm-editor, .monaco-editor, [contenteditable="true"]'));
}
