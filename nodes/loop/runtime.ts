/** Sends each item into the body in its own iteration scope; ordered when concurrency is 1. */
import { NodeError, type NodeRuntime } from '../../server/engine/node-api.ts';

export const loopRuntime: NodeRuntime = {
  type: 'loop',
  create() {
    return {
      async onMessage(_msg, io) {
        const items = io.params['items'];
        if (!Array.isArray(items)) {
          const got = items === null || items === undefined ? 'nothing' : typeof items;
          throw new NodeError(`items must be a list, got ${got}`, 'NOT_A_LIST', false);
        }
        const concurrency = Math.max(1, Number(io.params['concurrency'] ?? 1));
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
