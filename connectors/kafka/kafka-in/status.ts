/** The canvas status of a kafka-in node: lag first, then what holds a partition back. */
import type { NodeStatus } from '../../../server/engine/node-api.ts';
import type { PartitionLag } from '../lag.ts';

export interface Problem {
  /** retrying: its run failed; waiting: a broker or database is down (not counted); stopped: held until an operator acts or a restart */
  kind: 'retrying' | 'waiting' | 'stopped';
  topic: string;
  partition: number;
  offset: number;
  error: string;
  /** failed runs of this record so far (retrying) */
  attempt?: number;
  /** when the record is delivered again (retrying), ISO time */
  retryAt?: string;
}

export interface StatusView {
  ready: boolean;
  crashed?: string;
  lag?: PartitionLag[];
  lagError?: string;
  problems: Problem[];
  skipped: number;
  /** records sent to the dead-letter topic since the flow started */
  deadLettered: number;
}

export function kafkaInStatus(v: StatusView): NodeStatus {
  const total = v.lag?.reduce((sum, p) => sum + p.lag, 0);
  const parts: string[] = [total !== undefined ? `lag ${total}` : v.ready ? 'listening' : 'joining the group'];
  for (const p of v.problems.slice(0, 2)) parts.push(problemText(p));
  if (v.problems.length > 2) parts.push(`${v.problems.length - 2} more partitions held`);
  if (v.skipped > 0) parts.push(`${v.skipped} record${v.skipped === 1 ? '' : 's'} skipped`);
  if (v.deadLettered > 0) parts.push(`${v.deadLettered} dead-lettered`);
  if (v.crashed) parts.push(`consumer error: ${v.crashed}`);
  if (v.lagError && total === undefined) parts.push(`lag unknown: ${v.lagError}`);
  const state = v.crashed || v.problems.some((p) => p.kind === 'stopped') ? 'error' : v.problems.length > 0 ? 'warn' : 'ok';
  return {
    state,
    text: parts.join(' · '),
    ready: v.ready,
    ...(total !== undefined ? { lag: total, partitions: v.lag } : {}),
    problems: v.problems,
    skipped: v.skipped,
    deadLettered: v.deadLettered,
  };
}

function problemText(p: Problem): string {
  const where = `${p.topic}[${p.partition}] offset ${p.offset}`;
  if (p.kind === 'stopped') return `${where} stopped: ${p.error}`;
  if (p.kind === 'waiting') return `${where} waiting (retry at ${p.retryAt ?? '?'}): ${p.error}`;
  return `${where} failed ${p.attempt ?? 1}×, retry at ${p.retryAt ?? '?'}: ${p.error}`;
}
