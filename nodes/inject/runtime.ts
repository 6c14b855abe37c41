import type { Message } from '../../core/flow-types.ts';
import type { NodeRuntime } from '../../server/engine/node-api.ts';

export const injectRuntime: NodeRuntime = {
  type: 'inject',
  create(ctx) {
    return {
      trigger(payload, hasPayload) {
        const msg: Message = { payload: hasPayload ? payload : ctx.evaluate(ctx.params['payload'] ?? null, {}) };
        if (typeof ctx.params['topic'] === 'string') msg.topic = ctx.params['topic'];
        return ctx.fire(msg, { kind: 'manual' });
      },
    };
  },
};
