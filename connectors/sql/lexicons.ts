/** Per-database SQL facts the specs and the dialects share. Pure data. */
import type { SqlLexicon } from './named-binds.ts';

export interface SqlFlavor {
  lexicon: SqlLexicon;
  /** longest identifier the database takes */
  maxIdentLength: number;
}

export const MYSQL_FLAVOR: SqlFlavor = {
  lexicon: { backslashEscapes: true, backticks: true, dollarQuotes: false, castColons: false, hashComments: true, qQuotes: false },
  maxIdentLength: 64,
};

export const POSTGRES_FLAVOR: SqlFlavor = {
  lexicon: { backslashEscapes: false, backticks: false, dollarQuotes: true, castColons: true, hashComments: false, qQuotes: false },
  // NAMEDATALEN - 1; longer names would be truncated silently
  maxIdentLength: 63,
};

export const ORACLE_FLAVOR: SqlFlavor = {
  lexicon: { backslashEscapes: false, backticks: false, dollarQuotes: false, castColons: false, hashComments: false, qQuotes: true },
  // 12.2+; older databases stop at 30 and say so themselves
  maxIdentLength: 128,
};
