import type { Message } from '../../core/flow-types.ts';
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import type { InjectParams } from './spec.ts';

export const injectRuntime: NodeRuntime<InjectParams> = {
  type: 'inject',
  create(ctx) {
    return {
      trigger(payload, hasPayload) {
        const msg: Message = { payload: hasPayload ? payload : ctx.evaluate(ctx.params.payload ?? null, {}) };
        if (ctx.params.topic !== undefined) msg.topic = ctx.params.topic;
        return ctx.fire(msg, { kind: 'manual' });
      },
    };
  },
};

export default injectRuntime;
