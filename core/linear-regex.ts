/**
 * User regular expressions (switch rules), run by RE2 (re2js, pure JS): matching takes time
 * linear in the input whatever the pattern, so no pattern/input pair can freeze the server
 * the way `^(a+)+$` does with a backtracking engine. Pure, importable by the editor.
 *
 * Patterns are written as for JavaScript's RegExp: JS-only spellings (`\u0041`, `\u{1F600}`,
 * `\cA`, `[^]`, `(?<name>…)`) are translated to RE2's. RE2 has no backreferences and no
 * lookaround; those are refused with a message that says so. RE2 also accepts inline flags
 * (`(?i)abc`). Differences that remain: RE2's `\s` is ASCII white space only, and `.` always
 * steps over one code point (as JS does with the `u` flag).
 */
import { RE2JS } from 're2js';
import { errorMessage } from './guards.ts';

/** Longest pattern accepted: bounds compile work, at save and for patterns made per message. */
export const MAX_PATTERN_LENGTH = 2000;

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // RE2 always matches by code point, which is what `u` asks of RegExp
  u: 0,
};

export class RegexError extends Error {
  override readonly name = 'RegexError';
}

export interface LinearRegex {
  /** the pattern as written */
  readonly source: string;
  readonly flags: string;
  /** true when the pattern matches somewhere in `input` (like RegExp.prototype.test) */
  test(input: string): boolean;
}

/** Compiles `pattern`; throws RegexError with a message fit for a validation issue. */
export function compileRegex(pattern: string, flags = ''): LinearRegex {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new RegexError(`regex is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`);
  let bits = 0;
  for (const f of flags) {
    const bit = FLAG_BITS[f];
    if (bit === undefined || flags.indexOf(f) !== flags.lastIndexOf(f))
      throw new RegexError(`regex flags "${flags}": use each of i, m, s, u at most once`);
    bits |= bit;
  }
  const refused = unsupportedConstruct(pattern);
  if (refused) throw new RegexError(`regex uses ${refused}, which is not supported (patterns run in linear time)`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    const message = errorMessage(err).replace(/^error parsing regexp: /, '');
    throw new RegexError(`not a valid regular expression: ${message}`);
  }
  return { source: pattern, flags, test: (input) => re.test(input) };
}

/** A message for a pattern `compileRegex` refuses, or undefined when it compiles. */
export function regexProblem(pattern: string, flags = ''): string | undefined {
  try {
    compileRegex(pattern, flags);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Backreferences and lookaround, named as the user wrote them (RE2's own errors for these,
 * "invalid escape sequence" or "invalid named capture", would not tell why).
 */
function unsupportedConstruct(p: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const next = p[i + 1] ?? '';
      if (!inClass && next >= '1' && next <= '9') return `a backreference (\\${/^\d+/.exec(p.slice(i + 1))![0]})`;
      if (!inClass && next === 'k' && p[i + 2] === '<') return 'a named backreference (\\k<…>)';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && p[i + 1] === '?') {
      const a = p[i + 2];
      const b = p[i + 3];
      if (a === '=' || a === '!') return `a lookahead (?${a}…)`;
      if (a === '<' && (b === '=' || b === '!')) return `a lookbehind (?<${b}…)`;
    }
  }
  return undefined;
}
