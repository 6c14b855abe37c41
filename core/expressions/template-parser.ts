/**
 * Template grammar (SPEC §5), for every string param:
 *   `${path}`         the value at `path` in the message that arrived at this node
 *   `${nodeId|path}`  the value at `path` in the latest message node `nodeId` emitted
 *   `${nodeId|}`      that node's whole message (an empty path is only allowed after a node id;
 *                     `${}` is an error because it is almost always a typo)
 *   `$${`             a literal `${` (each `$${`, scanning left to right)
 * White space is allowed around the node id, the `|` and between path tokens.
 * Any other `$`, `{` or `}` outside an expression is plain text.
 */
import { ExpressionError } from './errors.ts';
import { parsePathRange } from './path-parser.ts';
import type { ExprRef, ParsedTemplate, TemplatePart } from './types.ts';
import { BACKSLASH, DOLLAR, DQUOTE, LBRACE, PIPE, RBRACE, SQUOTE, isSpace } from './chars.ts';

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let literal = ''; // decoded text not yet pushed
  let chunk = 0; // start of the raw text not yet copied into `literal`
  let i = text.indexOf('$');
  while (i !== -1) {
    if (text.charCodeAt(i + 1) === DOLLAR && text.charCodeAt(i + 2) === LBRACE) {
      literal += text.slice(chunk, i) + '${';
      i += 3;
      chunk = i;
    } else if (text.charCodeAt(i + 1) === LBRACE) {
      literal += text.slice(chunk, i);
      if (literal !== '') parts.push({ kind: 'text', text: literal });
      literal = '';
      const ref = parseExpression(text, i);
      parts.push({ kind: 'expr', ref });
      i = ref.end;
      chunk = i;
    } else {
      i++;
    }
    i = text.indexOf('$', i);
  }
  literal += text.slice(chunk);
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return { parts, single: parts.length === 1 && parts[0]?.kind === 'expr' };
}

/** Parses the expression whose `${` starts at `open`. */
function parseExpression(text: string, open: number): ExprRef {
  const bodyStart = open + 2;
  const { bar, close } = findBounds(text, open);
  let nodeId: string | undefined;
  let pathStart = bodyStart;
  if (bar !== -1) {
    let a = bodyStart;
    let b = bar;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    const id = text.slice(a, b);
    if (id === '') throw new ExpressionError("missing node id before '|'", bar);
    if (!NODE_ID.test(id)) {
      throw new ExpressionError(`invalid node id '${id}': use 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'`, a);
    }
    nodeId = id;
    pathStart = bar + 1;
  } else if (text.slice(bodyStart, close).trim() === '') {
    throw new ExpressionError('empty expression: write a path such as ${payload} or ${nodeId|payload}', open);
  }
  const path = parsePathRange(text, pathStart, close, nodeId !== undefined, "'}'");
  const ref: ExprRef = { path, source: text.slice(bodyStart, close), start: open, end: close + 1 };
  if (nodeId !== undefined) ref.nodeId = nodeId;
  return ref;
}

/**
 * Finds the closing `}` and the first `|` of the expression opened at `open`, skipping quoted
 * strings so that `${payload["a}|b"]}` works. Quotes are skipped the same way the path parser reads them.
 */
function findBounds(text: string, open: number): { bar: number; close: number } {
  let bar = -1;
  const n = text.length;
  for (let i = open + 2; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === RBRACE) return { bar, close: i };
    if (c === PIPE) {
      if (bar === -1) bar = i;
    } else if (c === DQUOTE || c === SQUOTE) {
      i = skipQuoted(text, i);
    } else if (c === DOLLAR && text.charCodeAt(i + 1) === LBRACE) {
      throw new ExpressionError("unclosed expression: missing '}' before the next '${'", open);
    }
  }
  throw new ExpressionError("unclosed expression: missing '}'", open);
}

/** Returns the index of the closing quote of the string opening at `open`. */
function skipQuoted(text: string, open: number): number {
  const quote = text.charCodeAt(open);
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === quote) return i;
  }
  throw new ExpressionError('unterminated string', open);
}
