import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordProblem } from './password-policy.ts';

test('refused: short, common (also dressed up), the username, repetitive, sequences', () => {
  const refused: [unknown, string | undefined, RegExp][] = [
    ['password', undefined, /at least 12/],
    ['12345678', undefined, /at least 12/],
    ['short-but-ok', undefined, /^$/],
    [12345678901234, undefined, /must be a string/],
    ['x'.repeat(1025), undefined, /at most 1024/],
    ['password1234', undefined, /too common/],
    ['Password1234!', undefined, /too common/],
    ['P@ssw0rd!!2024', undefined, /too common/],
    ['!!Dragon2024!!', undefined, /too common/],
    ['correcthorsebatterystaple', undefined, /too common/],
    ['tributary-2025!', undefined, /too common/],
    ['ADMIN-is-here-1', 'admin', /contain the username/],
    ['margaret.smith', 'Margaret.Smith', /contain the username/],
    ['zzzzzzzzzzzzzzzz', undefined, /too repetitive/],
    ['abababababababab', undefined, /too repetitive/],
    ['qwertyuiopasdf', undefined, /too common|sequence/],
    ['abcdefghijklmn', undefined, /sequence/],
    ['0987654321098', undefined, /sequence/],
  ];
  for (const [pw, user, problem] of refused) {
    const got = passwordProblem(pw, user) ?? '';
    assert.match(got, problem, `${String(pw).slice(0, 30)} → "${got}"`);
  }
});

test('accepted: long unusual passwords, passphrases, non-Latin text counted in characters; a 1–2 letter username is not searched for', () => {
  for (const [pw, user] of [
    ['river-stone-garden-42', 'carol'],
    ['correct horse battery', 'x'],
    ['Tq7#mW2!pL9$', 'eve'],
    ['流水不腐户枢不蠹十二个字符', 'li'],
    ['a-bold-tiger-jumps', 'a'],
  ] as const) {
    assert.equal(passwordProblem(pw, user), undefined, pw);
  }
});
