/** Builds a new message (never mutates the input): merge keeps other fields, replace starts empty. */
import type { Message } from '../../core/flow-types.ts';
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import { parsePath, setPath, type PathSegment } from '../../core/expressions/index.ts';

export const setRuntime: NodeRuntime = {
  type: 'set',
  create(ctx) {
    const paths: [string, PathSegment[]][] = Object.keys((ctx.params['fields'] as object | undefined) ?? {}).map((k) => [k, parsePath(k)]);
    const replace = ctx.params['mode'] === 'replace';
    return {
      onMessage(msg, io) {
        const values = io.params['fields'] as Record<string, unknown>;
        let out: Record<string, unknown> = replace ? {} : msg;
        for (const [key, path] of paths) out = setPath(out, path, values[key]);
        io.send(out as Message);
      },
    };
  },
};
