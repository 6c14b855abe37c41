/** A node of a running flow: its spec, instance, compiled params and wiring. */
import type { FlowNode, OnErrorPolicy, RetryPolicy } from '../../core/flow-types.ts';
import type { NodeSpec } from '../../core/node-spec.ts';
import type { NodeInstance } from './node-api.ts';
import type { ParamsResolver } from './params.ts';

export interface Target { slot: NodeSlot; port: string }

export interface NodeSlot {
  id: string;
  node: FlowNode;
  spec: NodeSpec;
  instance: NodeInstance;
  resolveParams: ParamsResolver;
  /** true when some param holds an expression: the step records the resolved params */
  dynamicParams: boolean;
  /** output port → where its messages go */
  out: Map<string, Target[]>;
  retry?: RetryPolicy;
  onError: OnErrorPolicy;
  /** some expression of the flow names this node: its outputs are kept for `${id|…}` lookups */
  referenced: boolean;
  /** committed node state, loaded at start */
  committed: Map<string, unknown>;
}
