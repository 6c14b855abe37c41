/**
 * The logger every part of the product writes to (server, engine, node runtimes, drivers).
 * A type only: server/log.ts writes JSON lines; tests pass their own.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
