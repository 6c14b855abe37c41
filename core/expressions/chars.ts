/** Character classes of the expression grammar, on UTF-16 code units. */

export const DOLLAR = 0x24; // $
export const LBRACE = 0x7b; // {
export const RBRACE = 0x7d; // }
export const PIPE = 0x7c; // |
export const DOT = 0x2e; // .
export const LBRACKET = 0x5b; // [
export const RBRACKET = 0x5d; // ]
export const DQUOTE = 0x22; // "
export const SQUOTE = 0x27; // '
export const BACKSLASH = 0x5c; // \
export const MINUS = 0x2d; // -

const UNICODE_SPACE = /\s/;

export function isSpace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  return c >= 0x80 && UNICODE_SPACE.test(String.fromCharCode(c));
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * A bare key (after `.` or at the start of a path): ASCII letters, digits, `_`, `$`, `-`,
 * or any non-ASCII character that is not white space (so `名前`, `ключ`, emoji all work).
 */
export function isKeyChar(c: number): boolean {
  if (c >= 0x80) return !isSpace(c);
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f || c === DOLLAR || c === MINUS;
}

/** How an error message shows the character at `pos` (whole code point, so surrogate pairs read right). */
export function showChar(text: string, pos: number): string {
  const cp = text.codePointAt(pos);
  return cp === undefined ? 'the end' : `'${String.fromCodePoint(cp)}'`;
}
