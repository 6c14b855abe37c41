import { NodeError, type NodeRuntime } from '../../server/engine/node-api.ts';
import { hasExpression } from '../../core/expressions/index.ts';
import { compileRegex, type LinearRegex } from '../../core/linear-regex.ts';
import { matches } from './match.ts';
import type { SwitchParams, SwitchRule } from './spec.ts';

/**
 * The compiled pattern of one regex rule. A constant pattern is compiled once at start; one made
 * by an expression is compiled when it differs from the previous message's (same engine, same
 * length limit, so a pattern taken from a message cannot freeze the server either).
 */
class RulePattern {
  private last: LinearRegex | undefined;

  constructor(private readonly index: number) {}

  get(arg: unknown, fail: (message: string) => Error): LinearRegex {
    const pattern = String(arg ?? '');
    if (this.last?.source === pattern) return this.last;
    try {
      this.last = compileRegex(pattern);
    } catch (err) {
      throw fail(`rules[${this.index}].arg: ${(err as Error).message}`);
    }
    return this.last;
  }
}

export const switchRuntime: NodeRuntime<SwitchParams> = {
  type: 'switch',
  create(ctx) {
    const saved = ctx.params.rules;
    const patterns = saved.map((r, i) => (r.op === 'regex' ? new RulePattern(i) : undefined));
    saved.forEach((r, i) => {
      if (r.op === 'regex' && !hasExpression(r.arg)) patterns[i]!.get(r.arg, (m) => new Error(m));
    });
    const badPattern = (message: string): Error => new NodeError(message, 'BAD_REGEX', false);
    const stopAtFirst = ctx.params.stopAtFirst;
    return {
      onMessage(msg, io) {
        // resolved: values and args are what their expressions gave, ops as saved
        const rules = io.params.rules as SwitchRule[];
        let matched = false;
        for (let i = 0; i < rules.length; i++) {
          const rule = rules[i]!;
          const regex = rule.op === 'regex' ? patterns[i]?.get(rule.arg, badPattern) : undefined;
          if (!matches(rule.op, rule.value, rule.arg, regex)) continue;
          matched = true;
          io.send(msg, `rule${i + 1}`);
          if (stopAtFirst) break;
        }
        if (!matched) io.send(msg, 'else');
      },
    };
  },
};

export default switchRuntime;
