import type { NodeRuntime } from '../../server/engine/node-api.ts';
import { matches, type SwitchOp } from './match.ts';

interface Rule { value: unknown; op: SwitchOp; arg?: unknown }

export const switchRuntime: NodeRuntime = {
  type: 'switch',
  create(ctx) {
    const saved = (ctx.params['rules'] as Rule[] | undefined) ?? [];
    const regexes = saved.map((r) => (r.op === 'regex' ? new RegExp(String(r.arg ?? '')) : undefined));
    const stopAtFirst = ctx.params['stopAtFirst'] !== false;
    return {
      onMessage(msg, io) {
        const rules = (io.params['rules'] as Rule[] | undefined) ?? [];
        let matched = false;
        for (let i = 0; i < rules.length; i++) {
          const rule = rules[i]!;
          if (!matches(rule.op, rule.value, rule.arg, regexes[i])) continue;
          matched = true;
          io.send(msg, `rule${i + 1}`);
          if (stopAtFirst) break;
        }
        if (!matched) io.send(msg, 'else');
      },
    };
  },
};
