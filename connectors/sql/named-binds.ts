/**
 * Finds `:name` binds in user SQL (`where`, `sql` params) so they can be replaced by the
 * dialect's placeholders. Quoted strings, quoted identifiers, comments, PostgreSQL `::`
 * casts and dollar-quoted strings are skipped, so `':x'` or `a::text` are left alone. Pure.
 */

/** The lexical features of one SQL dialect that matter when looking for binds. */
export interface SqlLexicon {
  /** `\` escapes the next character inside quotes (MySQL's default sql_mode) */
  backslashEscapes: boolean;
  /** backtick-quoted identifiers (MySQL) */
  backticks: boolean;
  /** `$tag$…$tag$` strings and `E'…'` escape strings (PostgreSQL) */
  dollarQuotes: boolean;
  /** `::` casts (PostgreSQL) */
  castColons: boolean;
  /** `#` line comments (MySQL) */
  hashComments: boolean;
  /** `q'[…]'` alternative quoting (Oracle) */
  qQuotes: boolean;
}

export interface BindUse {
  name: string;
  /** index of the `:` */
  start: number;
  /** index after the name */
  end: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const IDENT_CHAR = /[A-Za-z0-9_$]/;
const CLOSING: Record<string, string> = { '[': ']', '(': ')', '{': '}', '<': '>' };

/** Every `:name` bind outside strings, quoted identifiers and comments, in order. */
export function findNamedBinds(sql: string, lex: SqlLexicon): BindUse[] {
  const uses: BindUse[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    const prevIsIdent = i > 0 && IDENT_CHAR.test(sql[i - 1]!);
    if (c === "'") i = skipQuoted(sql, i, "'", lex.backslashEscapes);
    else if (c === '"') i = skipQuoted(sql, i, '"', lex.backslashEscapes);
    else if (c === '`' && lex.backticks) i = skipQuoted(sql, i, '`', false);
    else if (c === '-' && next === '-') i = skipLine(sql, i);
    else if (c === '#' && lex.hashComments) i = skipLine(sql, i);
    else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === '$' && lex.dollarQuotes && !prevIsIdent) i = skipDollar(sql, i);
    else if ((c === 'e' || c === 'E') && next === "'" && lex.dollarQuotes && !prevIsIdent) i = skipQuoted(sql, i + 1, "'", true);
    else if ((c === 'q' || c === 'Q') && next === "'" && lex.qQuotes && !prevIsIdent) i = skipQQuote(sql, i);
    else if (c === ':') {
      if (next === ':' && lex.castColons) {
        i += 2;
        continue;
      }
      if (next !== undefined && NAME_START.test(next) && sql[i - 1] !== ':') {
        let j = i + 2;
        while (j < n && NAME_CHAR.test(sql[j]!)) j++;
        uses.push({ name: sql.slice(i + 1, j), start: i, end: j });
        i = j;
      } else i++;
    } else i++;
  }
  return uses;
}

/** `sql` with every `:name` replaced by `replace(name)` (called in order of appearance). */
export function rewriteNamedBinds(sql: string, lex: SqlLexicon, replace: (name: string) => string): string {
  let out = '';
  let last = 0;
  for (const use of findNamedBinds(sql, lex)) {
    out += sql.slice(last, use.start) + replace(use.name);
    last = use.end;
  }
  return out + sql.slice(last);
}

/** index after the closing quote; a doubled quote is an escaped quote */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let j = start + 1;
  while (j < sql.length) {
    const ch = sql[j];
    if (backslash && ch === '\\') j += 2;
    else if (ch === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

function skipLine(sql: string, start: number): number {
  const end = sql.indexOf('\n', start);
  return end < 0 ? sql.length : end + 1;
}

function skipDollar(sql: string, start: number): number {
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 130));
  if (!m) return start + 1; // `$1` and lone `$` are not quotes
  const tag = m[0];
  const end = sql.indexOf(tag, start + tag.length);
  return end < 0 ? sql.length : end + tag.length;
}

function skipQQuote(sql: string, start: number): number {
  const open = sql[start + 2];
  if (open === undefined) return sql.length;
  const close = (CLOSING[open] ?? open) + "'";
  const end = sql.indexOf(close, start + 3);
  return end < 0 ? sql.length : end + 2;
}
