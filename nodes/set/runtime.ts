/** Builds a new message (never mutates the input): merge keeps other fields, replace starts empty. */
import type { Message } from '../../core/flow-types.ts';
import type { NodeRuntime } from '../../server/engine/node-api.ts';
import { makeSetter, parsePath } from '../../core/expressions/index.ts';
import { fieldIssuePath, type SetParams } from './spec.ts';

export const setRuntime: NodeRuntime<SetParams> = {
  type: 'set',
  create(ctx) {
    const setters = Object.keys(ctx.params.fields).map((key) => {
      try {
        return { key, set: makeSetter(parsePath(key)) };
      } catch (err) {
        // a flow saved before a rule existed: name the field
        throw new Error(`${fieldIssuePath(key)}: ${(err as Error).message}`);
      }
    });
    const replace = ctx.params.mode === 'replace';
    return {
      onMessage(msg, io) {
        const values = io.params.fields as Record<string, unknown>;
        let out: Record<string, unknown> = replace ? {} : msg;
        for (const { key, set } of setters) out = set(out, values[key]);
        io.send(out as Message);
      },
    };
  },
};

export default setRuntime;
