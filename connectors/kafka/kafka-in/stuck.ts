/**
 * The operator's actions on a record that holds a partition (stopped at a value that does not
 * parse, retrying a failing run, waiting for a broker or database): skip it, send it to the
 * dead-letter topic, or deliver it again now. The body may name the partition
 * (`{topic?, partition?}`); without it there must be exactly one held partition.
 */
import type { KafkaMessage } from 'kafkajs';
import { OperationError } from '../../../server/engine/node-api.ts';
import type { Problem } from './status.ts';

export interface Held {
  problem: Problem;
  raw: KafkaMessage;
  /** redeliveries while a broker or database is down */
  waits?: number;
}

export interface StuckHandlers {
  skip(h: Held): Promise<unknown>;
  deadLetter(h: Held): Promise<unknown>;
  replay(h: Held): Promise<unknown>;
}

const ACTIONS = ['stuck/skip', 'stuck/dead-letter', 'stuck/replay'] as const;

export async function stuckAction(action: string, body: Record<string, unknown>, held: Map<string, Held>, on: StuckHandlers & { hasDeadLetter: boolean }): Promise<unknown> {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new OperationError(`unknown action "${action}"; kafka-in knows ${ACTIONS.join(', ')}`, 404);
  }
  const { topic, partition } = body;
  if (topic !== undefined && typeof topic !== 'string') throw new OperationError('topic must be a string', 400);
  if (partition !== undefined && !(typeof partition === 'number' && Number.isInteger(partition) && partition >= 0)) {
    throw new OperationError('partition must be a whole number ≥ 0', 400);
  }
  const matches = [...held.values()].filter((h) => (topic === undefined || h.problem.topic === topic) && (partition === undefined || h.problem.partition === partition));
  if (matches.length === 0) throw new OperationError('no record is held on this node' + (topic !== undefined || partition !== undefined ? ' for that topic/partition' : ''), 404);
  if (matches.length > 1) {
    throw new OperationError(`${matches.length} partitions are held (${matches.map((h) => `${h.problem.topic}[${h.problem.partition}]`).join(', ')}); name one with {"topic", "partition"}`, 400);
  }
  const h = matches[0]!;
  if (action === 'stuck/skip') return on.skip(h);
  if (action === 'stuck/replay') return on.replay(h);
  if (!on.hasDeadLetter) throw new OperationError('this node has no dead-letter topic (param deadLetterTopic)', 409);
  return on.deadLetter(h);
}
