/**
 * Records a run that failed at the trigger (a record whose value does not parse): the engine
 * hook `fireFailed` records the run as failed with the message in the trigger's step and
 * delivers nothing. Engines without the hook get no run; the node's status and log still tell.
 */
import type { Message } from '../../core/flow-types.ts';
import type { FiredRun, FireOptions, NodeContext } from '../../server/engine/node-api.ts';

export type FireFailed = (msg: Message, error: string, options?: FireOptions) => FiredRun;

export function recordFailedRun(ctx: NodeContext, msg: Message, error: string): FiredRun | undefined {
  const hook = (ctx as NodeContext & { fireFailed?: FireFailed }).fireFailed;
  return typeof hook === 'function' ? hook(msg, error, { kind: 'event' }) : undefined;
}
