// Messages near the toolbar: at most three at once, going by themselves (errors later), and the
// ones of a page left behind dropped.
import { beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { toast, useToasts } from './toast-store.ts';

const texts = () => useToasts.getState().toasts.map((t) => `${t.kind}: ${t.text}`);

beforeEach(() => {
  mock.timers.reset();
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  useToasts.setState({ toasts: [] });
});

test('a message shows, then goes by itself after a few seconds; an error stays longer', () => {
  toast.ok('Saved — version 3');
  toast.error('Not saved: Timer 415940 · interval: must be >= 1');
  assert.deepEqual(texts(), ['ok: Saved — version 3', 'error: Not saved: Timer 415940 · interval: must be >= 1']);
  mock.timers.tick(3600);
  assert.deepEqual(texts(), ['error: Not saved: Timer 415940 · interval: must be >= 1']);
  mock.timers.tick(5000);
  assert.deepEqual(texts(), ['error: Not saved: Timer 415940 · interval: must be >= 1'], 'an error is still readable after 8 s');
  mock.timers.tick(500);
  assert.deepEqual(texts(), []);
});

test('only the three newest messages show', () => {
  for (const n of [1, 2, 3, 4, 5]) toast.info(`message ${n}`);
  assert.deepEqual(texts(), ['info: message 3', 'info: message 4', 'info: message 5']);
});

test('closing a message removes only that one', () => {
  toast.info('a');
  toast.info('b');
  const [first] = useToasts.getState().toasts;
  useToasts.getState().dismiss(first!.id);
  assert.deepEqual(texts(), ['info: b']);
});

test('leaving a page drops its messages but keeps one just raised for the next page', () => {
  toast.ok('Deleted "orders"');
  mock.timers.tick(1000);
  toast.ok('Imported "orders"');
  mock.timers.tick(100);
  useToasts.getState().dropStale();
  assert.deepEqual(texts(), ['ok: Imported "orders"']);
});
