/** Small in-memory stand-ins used by the sandbox and script node tests (not services: plain data). */
import type { NodeState } from '../engine/node-api.ts';
import type { Logger } from '../../core/logger.ts';

export interface LogLine { level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }

export function memoryLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const push = (level: LogLine['level']) => (msg: string, fields?: Record<string, unknown>): void => {
    lines.push(fields === undefined ? { level, msg } : { level, msg, fields });
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

/** NodeState over a Map; `set` writes through (no run staging). */
export function memoryState(values = new Map<string, unknown>()): NodeState & { values: Map<string, unknown> } {
  return {
    values,
    get: <T = unknown>(key: string): T | undefined => values.get(key) as T | undefined,
    set: (key: string, value: unknown): void => {
      if (value === undefined) values.delete(key);
      else values.set(key, value);
    },
    keys: () => values.keys(),
  };
}

/** whether a process (a runner) still exists */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
