/**
 * A run that fails at the trigger (a payload that is not JSON). With the engine hook
 * `fireFailed` (the same one kafka-in asks for) the run is recorded as failed, the message in
 * the trigger's step, and nothing is delivered. Until the engine has it, the run starts with
 * the message carrying `error` {message, nodeId, code} — the shape of an error-port message —
 * so the trace shows the error and a switch on `${error}` can route it.
 */
import type { Message } from '../../core/flow-types.ts';
import type { FiredRun, FireOptions, NodeContext } from '../../server/engine/node-api.ts';

type FireFailed = (msg: Message, error: string, options?: FireOptions) => FiredRun;

export function fireFailedRun(ctx: NodeContext, msg: Message, error: string, code: string): FiredRun {
  const hook = (ctx as NodeContext & { fireFailed?: FireFailed }).fireFailed;
  if (typeof hook === 'function') return hook(msg, error, { kind: 'event' });
  return ctx.fire({ ...msg, error: { message: error, nodeId: ctx.node.id, code } }, { kind: 'event' });
}
