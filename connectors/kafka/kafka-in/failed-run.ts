/**
 * Records a run that failed at the trigger (a record whose value does not parse): the trigger's
 * step holds the message and the error, and nothing is delivered.
 */
import type { Message } from '../../../core/flow-types.ts';
import type { FiredRun, NodeContext } from '../../../server/engine/node-api.ts';

export function recordFailedRun(ctx: NodeContext, msg: Message, error: string): FiredRun {
  return ctx.fireFailed(msg, error, { kind: 'event' });
}
