// Undo/redo stacks: each edit is a step, typing in one field and one drag are merged into one,
// redo is lost after a new edit, and the oldest steps fall off past the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canRedo, canUndo, emptyHistory, push, redo, undo, type History } from './history.ts';

test('undo goes back one edit at a time and redo comes forward again', () => {
  let h: History<string> = emptyHistory();
  h = push(h, 'a', { now: 0 });
  h = push(h, 'ab', { now: 10 });
  let cur = 'abc';
  const u1 = undo(h, cur)!;
  assert.equal(u1.state, 'ab');
  const u2 = undo(u1.history, u1.state)!;
  assert.equal(u2.state, 'a');
  assert.equal(undo(u2.history, u2.state), undefined, 'nothing left to undo');
  assert.equal(canUndo(u2.history), false);
  assert.equal(canRedo(u2.history), true);
  const r1 = redo(u2.history, u2.state, 20)!;
  assert.equal(r1.state, 'ab');
  const r2 = redo(r1.history, r1.state, 21)!;
  cur = r2.state;
  assert.equal(cur, 'abc');
  assert.equal(redo(r2.history, cur, 22), undefined);
  assert.equal(undo(r2.history, cur)!.state, 'ab');
});

test('edits with the same key close together are one step; a pause, another key or no key start a new one', () => {
  let h: History<string> = emptyHistory();
  h = push(h, '', { key: 'name', now: 0 });
  h = push(h, 'H', { key: 'name', now: 200 });
  h = push(h, 'He', { key: 'name', now: 400 });
  assert.equal(h.past.length, 1, 'typing "Hel" is one step');
  assert.equal(undo(h, 'Hel')!.state, '');
  h = push(h, 'Hel', { key: 'name', now: 2000 });
  assert.equal(h.past.length, 2, 'after a pause typing is a new step');
  h = push(h, 'Hell', { key: 'other', now: 2100 });
  assert.equal(h.past.length, 3, 'another field is a new step');
  h = push(h, 'x', { now: 2101 });
  h = push(h, 'y', { now: 2102 });
  assert.equal(h.past.length, 5, 'edits without a key are never merged');
  h = push(h, 'd0', { key: 'drag:1', now: 3000, windowMs: Infinity });
  h = push(h, 'd1', { key: 'drag:1', now: 99_000, windowMs: Infinity });
  assert.equal(h.past.length, 6, 'a slow drag is still one step');
});

test('an edit after undo drops the redo steps and does not merge into an older step', () => {
  let h: History<string> = emptyHistory();
  h = push(h, 'a', { key: 'k', now: 0 });
  h = push(h, 'b', { key: 'l', now: 10 });
  const u = undo(h, 'c')!;
  h = push(u.history, 'b', { key: 'k', now: 20 });
  assert.equal(canRedo(h), false);
  assert.equal(h.past.length, 2, 'the new edit is its own step');
  assert.equal(undo(h, 'z')!.state, 'b');
});

test('a redone step is closed: the next edit with its key is a step of its own', () => {
  let h: History<string> = emptyHistory();
  h = push(h, 'a', { key: 'k', now: 0 });
  const u = undo(h, 'ab')!;
  const r = redo(u.history, u.state, 5)!;
  h = push(r.history, 'ab', { key: 'k', now: 6 });
  assert.equal(h.past.length, 2);
});

test('only the newest steps are kept', () => {
  let h: History<number> = emptyHistory();
  for (let i = 0; i < 10; i++) h = push(h, i, { now: i, limit: 3 });
  assert.deepEqual(h.past.map((e) => e.state), [7, 8, 9]);
});
