// Which key does what on the canvas, and that the keys stay with a field the user types into.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf, isTyping, type KeyLike } from './shortcuts.ts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('Ctrl (or Cmd) shortcuts map to their commands', () => {
  assert.equal(commandOf(key('z', { ctrlKey: true })), 'undo');
  assert.equal(commandOf(key('Z', { ctrlKey: true, shiftKey: true })), 'redo');
  assert.equal(commandOf(key('y', { ctrlKey: true })), 'redo');
  assert.equal(commandOf(key('z', { metaKey: true })), 'undo');
  assert.equal(commandOf(key('c', { ctrlKey: true })), 'copy');
  assert.equal(commandOf(key('x', { ctrlKey: true })), 'cut');
  assert.equal(commandOf(key('v', { ctrlKey: true })), 'paste');
  assert.equal(commandOf(key('d', { ctrlKey: true })), 'duplicate');
  assert.equal(commandOf(key('a', { ctrlKey: true })), 'selectAll');
  assert.equal(commandOf(key('f', { ctrlKey: true })), 'find');
  assert.equal(commandOf(key('?', { shiftKey: true })), 'help');
  assert.equal(commandOf(key('Delete')), 'delete');
  assert.equal(commandOf(key('Backspace')), 'delete');
});

test('other keys and combinations are not shortcuts', () => {
  assert.equal(commandOf(key('z')), undefined);
  assert.equal(commandOf(key('c', { ctrlKey: true, altKey: true })), undefined);
  assert.equal(commandOf(key('c', { ctrlKey: true, shiftKey: true })), undefined);
  assert.equal(commandOf(key('s', { ctrlKey: true })), undefined, 'Ctrl+S is the page\'s');
  assert.equal(commandOf(key('Delete', { ctrlKey: true })), undefined);
});

test('typing into a text field, text area, select, contenteditable or code editor keeps the keys', () => {
  assert.equal(isTyping({ tagName: 'INPUT', type: 'text' }), true);
  assert.equal(isTyping({ tagName: 'input' }), true);
  assert.equal(isTyping({ tagName: 'INPUT', type: 'number' }), true);
  assert.equal(isTyping({ tagName: 'TEXTAREA' }), true);
  assert.equal(isTyping({ tagName: 'SELECT' }), true);
  assert.equal(isTyping({ tagName: 'DIV', isContentEditable: true }), true);
  assert.equal(isTyping({ tagName: 'SPAN', closest: (s) => (s.includes('.cm-editor') ? {} : null) }), true);
});

test('on the canvas, a button or a checkbox the shortcuts work', () => {
  assert.equal(isTyping(null), false);
  assert.equal(isTyping({ tagName: 'DIV', closest: () => null }), false);
  assert.equal(isTyping({ tagName: 'BUTTON', closest: () => null }), false);
  assert.equal(isTyping({ tagName: 'INPUT', type: 'checkbox' }), false);
});
