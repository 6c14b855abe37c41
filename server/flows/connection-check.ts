/** Save-time check: a node's `connection` names an existing profile of a type the node accepts. */
import type { FlowNode } from '../../core/flow-types.ts';
import type { NodeSpec, ValidationIssue } from '../../core/node-spec.ts';

export type ConnectionTypeOf = (id: string) => string | undefined;

export function connectionCheck(typeOf: ConnectionTypeOf) {
  return (node: FlowNode, spec: NodeSpec): ValidationIssue[] => {
    if (!spec.connectionTypes || spec.connectionTypes.length === 0) return [];
    const id = node.params?.['connection'];
    if (id === undefined || id === null || id === '') return [];
    if (typeof id !== 'string') return [{ path: 'connection', message: 'must be a connection id' }];
    const type = typeOf(id);
    if (!type) return [{ path: 'connection', message: `connection "${id}" does not exist` }];
    if (!spec.connectionTypes.includes(type))
      return [{ path: 'connection', message: `connection "${id}" is ${type}; this node needs ${spec.connectionTypes.join(' or ')}` }];
    return [];
  };
}
