/**
 * Size limits of what crosses the sandbox. Each is checked where the data is made: inside the
 * isolate before a value is copied out (a message, one ctx.state/ctx.flow value, a log line),
 * and on the server for totals (all of a node's ctx.state, all of a flow's ctx.flow).
 */
import type { BootstrapLimits } from './bootstrap.ts';
import type { SandboxLimits } from './types.ts';

const MB = 1024 * 1024;

/**
 * 16 MB per message: far above what a flow moves per step, and small enough that a runaway
 * result cannot stall the server while it is copied and parsed. 16 MB of ctx.flow per flow:
 * the flow's shared memory lives in the server's heap. 1 MB of ctx.state per node: state is
 * for counters, watermarks and last-seen ids; every committed write rewrites it in SQLite, so a
 * bound per node bounds both the data dir and the cost of a write.
 */
export const DEFAULT_LIMITS: SandboxLimits = { messageBytes: 16 * MB, flowBytes: 16 * MB, stateBytes: 1 * MB };

/** ctx.log per run: lines, characters of one line, characters of all lines */
export const LOG_LIMITS = { lines: 1000, lineChars: 8192, runChars: 1 * MB } as const;

export function resolveLimits(given: Partial<SandboxLimits> | undefined): SandboxLimits {
  const pick = (value: number | undefined, fallback: number): number =>
    typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
  return {
    messageBytes: pick(given?.messageBytes, DEFAULT_LIMITS.messageBytes),
    flowBytes: pick(given?.flowBytes, DEFAULT_LIMITS.flowBytes),
    stateBytes: pick(given?.stateBytes, DEFAULT_LIMITS.stateBytes),
  };
}

export function bootstrapLimits(limits: SandboxLimits): BootstrapLimits {
  return {
    messageChars: limits.messageBytes,
    stateChars: limits.stateBytes,
    flowChars: limits.flowBytes,
    logLines: LOG_LIMITS.lines,
    logLineChars: LOG_LIMITS.lineChars,
    logRunChars: LOG_LIMITS.runChars,
  };
}
