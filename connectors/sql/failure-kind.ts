/**
 * The kind of failure a database error is, told to callers outside the flow (an HTTP answer
 * maps it to 409/400/503/504/500) without the database's text. Read from the driver's code:
 * PostgreSQL SQLSTATE, MySQL/MariaDB `ER_*` names and errnos, Oracle `ORA-`/`NJS-` numbers,
 * Node's socket codes.
 */
import type { FailureKind } from '../../server/engine/node-api.ts';

/** unique key, exclusion and foreign key violations: the data's state refuses the change */
const CONFLICT = new Set([
  '23505', '23P01', '23503',
  'ER_DUP_ENTRY', 'ER_DUP_KEY', 'ER_DUP_UNIQUE', 'ER_DUP_ENTRY_WITH_KEY_NAME',
  'ER_NO_REFERENCED_ROW', 'ER_NO_REFERENCED_ROW_2', 'ER_ROW_IS_REFERENCED', 'ER_ROW_IS_REFERENCED_2',
  'ORA-00001', 'ORA-02291', 'ORA-02292',
]);

/** a value the column or a constraint cannot take (not null, check, type, length, range) */
const INVALID = new Set([
  '23502', '23514',
  'ER_BAD_NULL_ERROR', 'ER_NO_DEFAULT_FOR_FIELD', 'ER_DATA_TOO_LONG', 'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 'WARN_DATA_TRUNCATED', 'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_CHECK_CONSTRAINT_VIOLATED', 'ER_CONSTRAINT_FAILED', 'ER_INVALID_JSON_TEXT', 'ER_WRONG_VALUE',
  'ER_WRONG_VALUE_FOR_TYPE', 'ER_DIVISION_BY_ZERO', 'ER_INVALID_CHARACTER_STRING', 'ER_WRONG_ARGUMENTS',
  'ORA-01400', 'ORA-12899', 'ORA-01722', 'ORA-01438', 'ORA-01840', 'ORA-01841', 'ORA-01861', 'ORA-02290', 'ORA-01830',
  // our own checks of a value bound from the message
  'INVALID_PARAMS',
]);

/** the database is down, unreachable, overloaded, restarting, or gave up on a lock */
const UNAVAILABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
  'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_SERVER_ISNT_AVAILABLE',
  '40001', '40P01', '55P03', '53300', '57P01', '57P02', '57P03',
  'ORA-03113', 'ORA-03114', 'ORA-03135', 'ORA-12170', 'ORA-12541', 'ORA-12514', 'ORA-12528', 'ORA-00060', 'ORA-00018',
]);

/** a statement that ran out of its time */
const TIMEOUT = new Set(['57014', 'ER_QUERY_TIMEOUT', 'ER_STATEMENT_TIMEOUT', 'ER_QUERY_INTERRUPTED', 'ORA-01013']);

/** the kind of failure for a driver error code (`undefined`: not a database error we know) */
export function failureKindOf(code: string | undefined): FailureKind {
  if (code === undefined) return 'internal';
  if (CONFLICT.has(code)) return 'conflict';
  if (INVALID.has(code)) return 'invalid';
  if (TIMEOUT.has(code)) return 'timeout';
  if (UNAVAILABLE.has(code)) return 'unavailable';
  // PostgreSQL classes: 22 data exception, 08 connection exception, 53 insufficient resources
  if (/^22[0-9A-Z]{3}$/.test(code)) return 'invalid';
  if (/^(08|53|57P)[0-9A-Z]{0,3}$/.test(code) && code.length === 5) return 'unavailable';
  // node-oracledb's network errors (NJS-500…NJS-599)
  if (/^NJS-5\d\d$/.test(code)) return 'unavailable';
  return 'internal';
}
