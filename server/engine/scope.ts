/**
 * An iteration scope of a run. The root scope is the run itself; a loop opens a child
 * scope per item. `${nodeId|…}` looks a node's latest output up the scope chain, so a
 * loop body sees its own iteration's messages even when iterations run concurrently.
 */
import type { Message } from '../../core/flow-types.ts';
import type { ScopeOutcome } from './node-api.ts';

export class Scope {
  private readonly outputs = new Map<string, Message>();
  private pending = 0;
  private readonly errors: string[] = [];
  private settle?: (outcome: ScopeOutcome) => void;
  readonly iterationPath: number[];

  constructor(readonly parent: Scope | undefined, iteration?: number) {
    this.iterationPath = parent ? (iteration === undefined ? parent.iterationPath : [...parent.iterationPath, iteration]) : [];
  }

  /** a promise that resolves once nothing is pending in this scope */
  whenIdle(): Promise<ScopeOutcome> {
    if (this.pending === 0) return Promise.resolve(this.outcome());
    return new Promise((resolve) => (this.settle = resolve));
  }

  recordOutput(nodeId: string, msg: Message): void {
    this.outputs.set(nodeId, msg);
  }

  outputOf(nodeId: string): Message | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const m = s.outputs.get(nodeId);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  fail(error: string): void {
    this.errors.push(error);
  }

  enter(): void {
    this.pending++;
  }

  leave(): void {
    if (--this.pending === 0 && this.settle) {
      const settle = this.settle;
      this.settle = undefined;
      settle(this.outcome());
    }
  }

  get iteration(): number | undefined {
    return this.iterationPath[this.iterationPath.length - 1];
  }

  private outcome(): ScopeOutcome {
    return { failed: this.errors.length > 0, errors: [...this.errors] };
  }
}
