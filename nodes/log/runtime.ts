import type { NodeRuntime } from '../../server/engine/node-api.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

export const logRuntime: NodeRuntime = {
  type: 'log',
  create(ctx) {
    const level = ((ctx.params['level'] as Level | undefined) ?? 'info');
    return {
      onMessage(msg, io) {
        const value = io.params['message'];
        const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
        io.trace(`[${level}] ${text}`);
        io.log[level](text, { flowId: ctx.flowId, nodeId: ctx.node.id, runId: io.runId });
        io.send(msg);
      },
    };
  },
};
