/**
 * Failed runs on the server console at warn level, so an operator sees them without the editor.
 * A flow failing at stream rate would drown the log: after the first line, at most one line per
 * `everyMs` per flow, saying how many failures it stands for.
 */
import type { Logger } from '../../core/logger.ts';
import type { RunRecord } from '../../core/flow-types.ts';

export class FailureLog {
  private lastAt = -Infinity;
  private unreported = 0;

  constructor(private readonly log: Logger, private readonly everyMs = 10_000, private readonly now: () => number = Date.now) {}

  runFailed(run: RunRecord): void {
    this.unreported++;
    const t = this.now();
    if (t - this.lastAt < this.everyMs) return;
    this.lastAt = t;
    const failures = this.unreported;
    this.unreported = 0;
    this.log.warn('run failed', {
      flowId: run.flowId, runId: run.id, trigger: run.trigger.nodeId, error: run.error ?? 'failed',
      ...(failures > 1 ? { failuresSinceLastLine: failures } : {}),
    });
  }
}
