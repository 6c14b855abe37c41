/**
 * What "Run again" fires: the trigger node of a run with the payload its trigger step put out.
 * Not offered when that payload is not whole in the trace (cut for size, binary data kept only as
 * a summary, or secrets masked):
 * firing a shortened or masked copy would not be the same run.
 */
import type { RunRecord } from '../../../core/flow-types.ts';

export type Rerun = { ok: true; nodeId: string; payload: unknown } | { ok: false; reason: string };

export function rerunOf(run: RunRecord): Rerun {
  const first = run.steps?.find((s) => s.nodeId === run.trigger.nodeId);
  if (!first || first.output === undefined) return { ok: false, reason: 'the trace of this run does not hold its trigger message' };
  const output = first.output as { payload?: unknown } | null;
  if (typeof output !== 'object' || output === null || !('payload' in output)) return { ok: false, reason: 'the trigger message has no payload' };
  const text = JSON.stringify(output.payload) ?? '';
  if (text.includes('"__truncated":true')) return { ok: false, reason: 'the trace holds a shortened copy of the payload' };
  if (text.includes('"$binary":')) return { ok: false, reason: 'the trace holds only a summary of the binary payload' };
  if (text.includes('"***"')) return { ok: false, reason: 'the trace holds the payload with secrets masked' };
  return { ok: true, nodeId: run.trigger.nodeId, payload: output.payload };
}
