// Moving between the editor's pages: the address bar, Back, and the unsaved-changes guard.
import { historyEntries, openTab } from '../testing/browser.test-support.ts';
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPath, navigate, useRoute } from './router-store.ts';

beforeEach(() => {
  openTab('http://localhost:8080/flows');
  useRoute.getState().setLeaveGuard(undefined);
  useRoute.getState().sync();
});

test('following a link changes the page and adds a Back step', () => {
  navigate('/flows/f_1');
  assert.equal(useRoute.getState().path, '/flows/f_1');
  assert.deepEqual(historyEntries(), ['/flows', '/flows/f_1']);
});

test('a redirect (new flow saved → its address) replaces the page instead of adding a Back step', () => {
  navigate('/flows/new');
  navigate('/flows/f_9', { replace: true });
  assert.deepEqual(historyEntries(), ['/flows', '/flows/f_9']);
  assert.equal(useRoute.getState().path, '/flows/f_9');
});

test('a link to the page already open does nothing', () => {
  navigate('/flows');
  assert.deepEqual(historyEntries(), ['/flows']);
});

test('with unsaved changes, answering "stay" keeps the page; "leave" goes', () => {
  let answer = false;
  let asked = 0;
  useRoute.getState().setLeaveGuard(() => (asked++, answer));
  navigate('/connections');
  assert.equal(useRoute.getState().path, '/flows');
  assert.deepEqual(historyEntries(), ['/flows']);
  answer = true;
  navigate('/connections');
  assert.equal(useRoute.getState().path, '/connections');
  assert.equal(asked, 2);
});

test('a redirect is not held up by the unsaved-changes question', () => {
  useRoute.getState().setLeaveGuard(() => false);
  navigate('/flows/f_2', { replace: true });
  assert.equal(useRoute.getState().path, '/flows/f_2');
});

test('Back (popstate) brings the store in line with the address bar', () => {
  openTab('http://localhost:8080/templates');
  useRoute.getState().sync();
  assert.equal(useRoute.getState().path, '/templates');
});

test('route patterns give their parameters, decoded', () => {
  assert.deepEqual(matchPath('/flows/:id', '/flows/f_1'), { id: 'f_1' });
  assert.deepEqual(matchPath('/templates/:id', '/templates/mysql%20sync'), { id: 'mysql sync' });
  assert.deepEqual(matchPath('/flows', '/flows/'), {});
  assert.equal(matchPath('/flows/:id', '/flows'), undefined);
  assert.equal(matchPath('/flows/:id', '/connections/c_1'), undefined);
});

test('an address with broken %-escapes matches no page (the flow list shows) instead of breaking the editor', () => {
  assert.equal(matchPath('/flows/:id', '/flows/%E0%A4'), undefined);
  assert.equal(matchPath('/templates/:id', '/templates/100%'), undefined);
});
