/**
 * Path grammar (SPEC §5): dot and bracket access, white space allowed between tokens.
 *   path    := first rest*
 *   first   := key | bracket
 *   rest    := '.' key | bracket
 *   key     := one or more key characters (see chars.ts)          → string
 *   bracket := '[' ( digits → number | "…" | '…' → string ) ']'
 * Inside quotes, `\` escapes the next character (`\n`, `\r`, `\t`, `\uXXXX` are decoded).
 * A dotted key made of digits (`items.0`) stays the string "0"; getPath finds array items by it too.
 */
import { ExpressionError } from './errors.ts';
import type { PathSegment } from './types.ts';
import {
  BACKSLASH, DOT, DQUOTE, LBRACKET, MINUS, RBRACKET, SQUOTE, isDigit, isKeyChar, isSpace, showChar,
} from './chars.ts';

/** Parses a standalone path such as `payload.items[0].name`. Positions in errors index `path`. */
export function parsePath(path: string): PathSegment[] {
  return parsePathRange(path, 0, path.length, false, 'the end of the path');
}

/**
 * Parses `text[start, end)` as a path. `endName` names the terminator in messages
 * ("'}'" inside a template). An empty range is `[]` when `allowEmpty`, else an error.
 */
export function parsePathRange(
  text: string, start: number, end: number, allowEmpty: boolean, endName: string,
): PathSegment[] {
  const r = new Reader(text, start, end, endName);
  const segments: PathSegment[] = [];
  r.skipSpace();
  if (r.atEnd()) {
    if (allowEmpty) return segments;
    throw new ExpressionError('empty path', start);
  }
  const c = r.code();
  if (c === LBRACKET) segments.push(readBracket(r));
  else if (isKeyChar(c)) segments.push(readKey(r));
  else r.fail(`unexpected ${r.show()}: a path starts with a key or '['`);

  for (;;) {
    r.skipSpace();
    if (r.atEnd()) return segments;
    const next = r.code();
    if (next === DOT) {
      r.pos++;
      r.skipSpace();
      if (r.atEnd() || !isKeyChar(r.code())) r.fail(`expected a key after '.', found ${r.show()}`);
      segments.push(readKey(r));
    } else if (next === LBRACKET) {
      segments.push(readBracket(r));
    } else {
      r.fail(`unexpected ${r.show()}: expected '.', '[' or ${endName}`);
    }
  }
}

class Reader {
  constructor(
    readonly text: string,
    public pos: number,
    readonly end: number,
    readonly endName: string,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  code(): number {
    return this.text.charCodeAt(this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.end && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  show(): string {
    return this.atEnd() ? this.endName : showChar(this.text, this.pos);
  }

  fail(message: string, position: number = this.pos): never {
    throw new ExpressionError(message, position);
  }
}

function readKey(r: Reader): string {
  const start = r.pos;
  while (!r.atEnd() && isKeyChar(r.code())) r.pos++;
  return r.text.slice(start, r.pos);
}

function readBracket(r: Reader): PathSegment {
  const open = r.pos;
  r.pos++;
  r.skipSpace();
  let segment: PathSegment;
  const c = r.atEnd() ? -1 : r.code();
  if (isDigit(c)) {
    const start = r.pos;
    while (!r.atEnd() && isDigit(r.code())) r.pos++;
    const n = Number(r.text.slice(start, r.pos));
    if (!Number.isSafeInteger(n)) r.fail('index is too large', start);
    segment = n;
  } else if (c === DQUOTE || c === SQUOTE) {
    segment = readQuoted(r);
  } else if (c === MINUS) {
    r.fail('negative indices are not supported');
  } else {
    r.fail(`expected a number or a quoted key after '[', found ${r.show()}`);
  }
  r.skipSpace();
  if (r.atEnd() || r.code() !== RBRACKET) {
    r.fail(`expected ']' to close the '[' at position ${open}, found ${r.show()}`);
  }
  r.pos++;
  return segment;
}

function readQuoted(r: Reader): string {
  const open = r.pos;
  const quote = r.code();
  r.pos++;
  let out = '';
  let chunk = r.pos;
  while (!r.atEnd()) {
    const c = r.code();
    if (c === quote) {
      out += r.text.slice(chunk, r.pos);
      r.pos++;
      return out;
    }
    if (c === BACKSLASH) {
      out += r.text.slice(chunk, r.pos);
      r.pos++;
      if (r.atEnd()) break;
      out += readEscape(r);
      chunk = r.pos;
    } else {
      r.pos++;
    }
  }
  return r.fail('unterminated string', open);
}

/** Called with `pos` just after a backslash; consumes the escape and returns its text. */
function readEscape(r: Reader): string {
  const at = r.pos;
  const ch = r.text[at] ?? '';
  r.pos++;
  switch (ch) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'u': {
      const hex = r.text.slice(r.pos, r.pos + 4);
      if (r.pos + 4 > r.end || !/^[0-9a-fA-F]{4}$/.test(hex)) r.fail("'\\u' needs four hex digits", at - 1);
      r.pos += 4;
      return String.fromCharCode(parseInt(hex, 16));
    }
    default: {
      // Any other escaped character stands for itself (\" \' \\ …); keep surrogate pairs whole.
      const cp = r.text.codePointAt(at) ?? 0;
      const s = String.fromCodePoint(cp);
      r.pos = at + s.length;
      return s;
    }
  }
}
