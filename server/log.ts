/** JSON-lines logger; values pass through a masker so secrets never reach the log. */
import type { Logger } from '../core/logger.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  mask?: (value: unknown) => unknown;
  write?: (line: string) => void;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger & { child(fields: Record<string, unknown>): Logger } {
  const min = ORDER[options.level ?? ((process.env['TRIBUTARY_LOG_LEVEL'] as LogLevel | undefined) ?? 'info')] ?? 20;
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const base = options.base ?? {};
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[level] < min) return;
    const entry = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    write(JSON.stringify(options.mask ? options.mask(entry) : entry));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** `inner` with every message and field passed through `mask` first (a logger given from outside) */
export function maskedLogger(inner: Logger, mask: (value: unknown) => unknown): Logger {
  const wrap = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>): void => {
    inner[level](String(mask(msg)), fields === undefined ? undefined : (mask(fields) as Record<string, unknown>));
  };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
