/**
 * Every error code the server answers with (SPEC §7: `{"error","code","params"?,"details"?}`),
 * its HTTP status and the names of its params. A code is stable: clients and the editor's
 * translations key on it, and `params` fill the translated text (`{field}`, `{id}`…). Add codes
 * here; never rename one. A few codes are lower case because clients already rely on them.
 */
export const ERROR_CODES = {
  // 400: the request is wrong; `details` name every field at fault
  INVALID_INPUT: { status: 400, params: ['field'] },
  BODY_NOT_JSON: { status: 400, params: [] },
  BODY_UNREADABLE: { status: 400, params: [] },
  FLOW_INVALID: { status: 400, params: ['count'] },
  TEMPLATE_PARAMS_INVALID: { status: 400, params: ['count'] },
  CONNECTION_INVALID: { status: 400, params: ['count'] },
  WRONG_PASSWORD: { status: 400, params: ['field'] },
  NO_TRIGGER: { status: 400, params: ['nodeId'] },
  SCHEMA_NOT_SUPPORTED: { status: 400, params: ['type'] },
  HOOK_PATH_INVALID: { status: 400, params: ['path'] },
  OPERATION_INVALID: { status: 400, params: [] },
  /** a /hooks query parameter the http-in declares is missing or out of bounds (details name it) */
  INVALID_QUERY: { status: 400, params: [] },
  // 401, 403
  AUTH_REQUIRED: { status: 401, params: [] },
  WRONG_CREDENTIALS: { status: 401, params: [] },
  SESSION_ENDED: { status: 401, params: [] },
  FORBIDDEN: { status: 403, params: ['role', 'action'] },
  CSRF_ORIGIN: { status: 403, params: [] },
  CORS_REFUSED: { status: 403, params: [] },
  UNAUTHORIZED: { status: 401, params: [] },
  // 404, 405: `what` is flow, connection, run, user, template, version, route, hook
  NOT_FOUND: { status: 404, params: ['what', 'id'] },
  METHOD_NOT_ALLOWED: { status: 405, params: ['method', 'path'] },
  /** an operator action on a node with nothing to act on, or a node without such actions */
  OPERATION_NOT_FOUND: { status: 404, params: [] },
  // 409: the request is fine, the state of things refuses it
  username_taken: { status: 409, params: ['username'] },
  last_admin: { status: 409, params: [] },
  flow_exists: { status: 409, params: ['id'] },
  name_taken: { status: 409, params: ['name'] },
  /** a Node-RED import whose flow names exist: rename or replace (`?onConflict=`) */
  flow_names_taken: { status: 409, params: ['names'] },
  /** a Node-RED import needs connections (MQTT brokers) that do not exist yet; details name each */
  connections_missing: { status: 409, params: ['names'] },
  SELF_DISABLE: { status: 409, params: [] },
  SELF_DELETE: { status: 409, params: [] },
  CONNECTION_IN_USE: { status: 409, params: ['flows'] },
  FLOW_NOT_RUNNING: { status: 409, params: ['flowId'] },
  FLOW_START_FAILED: { status: 409, params: ['flowId'] },
  /** a /hooks run failed on a unique or foreign key of the flow's database */
  CONFLICT: { status: 409, params: ['runId'] },
  /** an operator action a node refuses now (e.g. dead-letter without a dead-letter topic) */
  OPERATION_REFUSED: { status: 409, params: [] },
  // 413, 415, 429
  BODY_TOO_LARGE: { status: 413, params: [] },
  BODY_ENCODING_UNSUPPORTED: { status: 415, params: [] },
  LOGIN_THROTTLED: { status: 429, params: ['seconds'] },
  PASSWORD_CHECKS_BUSY: { status: 429, params: [] },
  // 5xx: the server or something it depends on failed; retrying later may help
  INTERNAL: { status: 500, params: [] },
  FLOW_FAILED: { status: 500, params: ['runId'] },
  CONNECTION_FAILED: { status: 502, params: ['connectionId'] },
  STORAGE_UNAVAILABLE: { status: 503, params: [] },
  RUN_NOT_FINISHED: { status: 503, params: ['runId', 'status'] },
  /** a /hooks run failed because a service the flow needs is down (Retry-After) */
  UNAVAILABLE: { status: 503, params: ['runId'] },
  RUN_CANCELLED: { status: 503, params: ['runId'] },
  /** a /hooks run failed on a statement or call that ran out of time */
  TIMEOUT: { status: 504, params: ['runId'] },
  FLOW_TIMEOUT: { status: 504, params: ['runId', 'ms'] },
  STORAGE_FULL: { status: 507, params: [] },
} as const satisfies Record<string, { status: number; params: readonly string[] }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** the codes answered with HTTP status `S` */
export type CodeWithStatus<S extends number> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never }[ErrorCode];

/** the params code `C` takes, by name */
export type ErrorParams<C extends ErrorCode> = C extends ErrorCode ? { [K in (typeof ERROR_CODES)[C]['params'][number]]: string | number } : never;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** the body of an error answer, as SPEC §7 writes it */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  params?: Record<string, string | number>;
  details?: { path: string; message: string }[];
}
