import type { NodeRuntime } from '../../server/engine/node-api.ts';
import type { LogParams } from './spec.ts';

export const logRuntime: NodeRuntime<LogParams> = {
  type: 'log',
  create(ctx) {
    const level = ctx.params.level;
    return {
      onMessage(msg, io) {
        const value = io.params.message;
        const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
        io.trace(`[${level}] ${text}`);
        io.log[level](text, { flowId: ctx.flowId, nodeId: ctx.node.id, runId: io.runId });
        io.send(msg);
      },
    };
  },
};

export default logRuntime;
