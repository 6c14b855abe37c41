/**
 * Why a database refused a write, by the driver's error code: the database being unreachable
 * or busy (`transient`: wait and try again, never the record's fault), the record itself
 * (`record`: a constraint or a value of the wrong type or size — this record will fail again,
 * others will not), or anything else (`other`: neither is known, so nothing is dead-lettered).
 */
export type WriteErrorClass = 'transient' | 'record' | 'other';

/** connection lost or refused, deadlock, lock wait, server shutting down */
const TRANSIENT =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|PROTOCOL_CONNECTION_LOST|ER_LOCK_DEADLOCK|ER_LOCK_WAIT_TIMEOUT|ER_CON_COUNT_ERROR|08\w{3}|57P0\d|40001|40P01|NJS-50\d|ORA-(03113|03114|03135|12170|12541|12514|00060))$/;

/**
 * A record the database rejects: PostgreSQL SQLSTATE classes 22 (data exception) and 23
 * (integrity constraint); MySQL/MariaDB duplicate key, NULL into NOT NULL, foreign key, value
 * too long / out of range / wrong for its type, CHECK; Oracle ORA-00001 (unique), 01400/01407
 * (NULL), 02290–02292 (check, foreign key), 12899 (too long), 01438 (precision), 01722 (not a
 * number), 018xx (date values).
 */
const RECORD =
  /^(22\w{3}|23\w{3}|ER_DUP_ENTRY|ER_BAD_NULL_ERROR|ER_NO_DEFAULT_FOR_FIELD|ER_NO_REFERENCED_ROW(_2)?|ER_ROW_IS_REFERENCED(_2)?|ER_DATA_TOO_LONG|ER_WARN_DATA_OUT_OF_RANGE|ER_TRUNCATED_WRONG_VALUE(_FOR_FIELD)?|WARN_DATA_TRUNCATED|ER_CHECK_CONSTRAINT_VIOLATED|ER_CONSTRAINT_FAILED|ER_DIVISION_BY_ZERO|ER_INVALID_JSON_TEXT|ER_WRONG_VALUE_FOR_TYPE|ORA-(00001|01400|01407|02290|02291|02292|12899|01438|01722|01830|01840|01841|01843|01847|01858|01861|01862))$/;

/** the driver's error code: mysql2 and pg `code`, oracledb `errorNum` as ORA-nnnnn */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errorNum?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (typeof e.errorNum === 'number' && e.errorNum > 0) return `ORA-${String(e.errorNum).padStart(5, '0')}`;
  return undefined;
}

export function isTransient(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT.test(code);
}

export function classifyWriteError(err: unknown): WriteErrorClass {
  const code = errorCode(err);
  if (isTransient(code)) return 'transient';
  if (code !== undefined && RECORD.test(code)) return 'record';
  return 'other';
}
