/** Sends each item into the body in its own iteration scope; ordered when concurrency is 1. */
import { NodeError, type NodeRuntime } from '../../server/engine/node-api.ts';
import type { LoopParams } from './spec.ts';

export const loopRuntime: NodeRuntime<LoopParams> = {
  type: 'loop',
  create(ctx) {
    // an integer by the schema: never a template
    const concurrency = ctx.params.concurrency;
    return {
      async onMessage(_msg, io) {
        const items = io.params.items;
        if (!Array.isArray(items)) {
          const got = items === null || items === undefined ? 'nothing' : typeof items;
          throw new NodeError(`items must be a list, got ${got}`, 'NOT_A_LIST', false);
        }
        let next = 0;
        let succeeded = 0;
        let failed = 0;
        const worker = async (): Promise<void> => {
          while (next < items.length && !io.signal.aborted) {
            const index = next++;
            const outcome = await io.sendScoped({ payload: items[index], index }, 'each', index);
            if (outcome.failed) failed++;
            else succeeded++;
          }
        };
        await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
        if (io.signal.aborted) return;
        io.send({ payload: { count: items.length, succeeded, failed } }, 'done');
      },
    };
  },
};

export default loopRuntime;
