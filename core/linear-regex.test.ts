import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRegex, MAX_PATTERN_LENGTH, regexProblem, RegexError } from './linear-regex.ts';

const t = (pattern: string, input: string, flags = ''): boolean => compileRegex(pattern, flags).test(input);

test('flags i, m, s map to RE2; u is accepted (RE2 matches by code point anyway)', () => {
  assert.equal(t('abc', 'xABCx'), false);
  assert.equal(t('abc', 'xABCx', 'i'), true);
  assert.equal(t('^b$', 'a\nb\nc'), false);
  assert.equal(t('^b$', 'a\nb\nc', 'm'), true);
  assert.equal(t('a.b', 'a\nb'), false);
  assert.equal(t('a.b', 'a\nb', 's'), true);
  assert.equal(t('^.$', '😀', 'u'), true);
  assert.equal(t('^B$', 'a\nb', 'imsu'), true);
  assert.equal(t('(?i)abc', 'ABC'), true, 'inline flags work too');
  for (const bad of ['g', 'y', 'x', 'ii', 'd']) assert.throws(() => compileRegex('a', bad), /use each of i, m, s, u at most once/, bad);
});

test('anchors behave as in JavaScript without the m flag: $ is the very end, not before a final newline', () => {
  assert.equal(t('^abc$', 'abc'), true);
  assert.equal(t('^abc$', 'abc\n'), false);
  assert.equal(t('^abc', 'xabc'), false);
  assert.equal(t('abc', 'xabcx'), true, 'unanchored patterns match anywhere, like RegExp.test');
  assert.equal(t('\\bcat\\b', 'a cat!'), true);
  assert.equal(t('\\bcat\\b', 'concatenate'), false);
  assert.equal(t('', 'anything'), true);
});

test('unicode: code points, classes, case folding and the JavaScript escapes', () => {
  assert.equal(t('^.$', 'é'), true);
  assert.equal(t('^..$', '😀'), false, 'an astral character is one character');
  assert.equal(t('^\\p{L}+$', 'Grüße'), true);
  assert.equal(t('^\\p{Greek}+$', 'αβγ'), true);
  assert.equal(t('É', 'café', 'i'), true);
  assert.equal(t('^\\u0041\\u{1F600}$', 'A😀'), true, '\\uXXXX and \\u{…} are translated');
  assert.equal(t('^\\x41$', 'A'), true);
  assert.equal(t('^\\cA$', '\u0001'), true);
  assert.equal(t('^[^]$', '\n'), true, '[^] is any character, as in JavaScript');
  assert.equal(t('^(?<year>\\d{4})-(?<m>\\d\\d)$', '2024-05'), true, 'named groups');
  assert.equal(t('^a/b$', 'a/b'), true);
});

test('catastrophic-backtracking patterns run in linear time', () => {
  const input = `${'a'.repeat(100_000)}!`;
  for (const p of ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '(x+x+)+y', '^(\\w+\\s?)*$']) {
    const started = Date.now();
    assert.equal(t(p, input), false, p);
    assert.ok(Date.now() - started < 500, `${p} took ${Date.now() - started} ms`);
  }
});

test('backreferences and lookaround are refused by name; other errors say what is wrong', () => {
  const refused: [string, string][] = [
    ['(a)\\1', 'a backreference (\\1)'],
    ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10', 'a backreference (\\10)'],
    ['(?<n>a)\\k<n>', 'a named backreference (\\k<…>)'],
    ['a(?=b)', 'a lookahead (?=…)'],
    ['a(?!b)', 'a lookahead (?!…)'],
    ['(?<=a)b', 'a lookbehind (?<=…)'],
    ['(?<!a)b', 'a lookbehind (?<!…)'],
  ];
  for (const [pattern, what] of refused) {
    assert.throws(() => compileRegex(pattern), (err: Error) => {
      assert.ok(err instanceof RegexError);
      assert.equal(err.message, `regex uses ${what}, which is not supported (patterns run in linear time)`);
      return true;
    }, pattern);
  }
  // inside a class or escaped, the same characters are plain
  assert.equal(t('^[(?=]+$', '(?='), true);
  assert.equal(t('^\\(\\?=$', '(?='), true);
  assert.match(regexProblem('[\\1]')!, /^not a valid regular expression: invalid escape sequence/, 'in a class \\1 is no backreference');
  assert.equal(t('^\\0$', '\0'), true, '\\0 is NUL, not a backreference');
  assert.match(regexProblem('(ab')!, /^not a valid regular expression: missing closing \)/);
  assert.match(regexProblem('[a')!, /^not a valid regular expression: missing closing \]/);
  assert.match(regexProblem('a{1001}')!, /^not a valid regular expression: invalid repeat count/);
  assert.match(regexProblem('(?:a{0,1000}){0,1000}')!, /^not a valid regular expression: expression too large/);
  assert.equal(regexProblem('a'.repeat(MAX_PATTERN_LENGTH)), undefined);
  assert.equal(regexProblem('a'.repeat(MAX_PATTERN_LENGTH + 1)), `regex is ${MAX_PATTERN_LENGTH + 1} characters long; the limit is ${MAX_PATTERN_LENGTH}`);
});
