import type { EvalScope } from '../../core/expressions/index.ts';
import type { Message } from '../../core/flow-types.ts';
import type { Scope } from './scope.ts';

/** The expression scope of one delivery: `${path}` reads the message, `${id|path}` the run's outputs. */
export class MessageScope implements EvalScope {
  constructor(readonly message: Message, private readonly scope: Scope) {}

  nodeOutput(nodeId: string): unknown {
    return this.scope.outputOf(nodeId);
  }
}
