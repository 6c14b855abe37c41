/**
 * Save-time check: a node's `connection` (or each of its `connections`, a script's databases)
 * names an existing profile of a type the node accepts.
 */
import type { FlowNode } from '../../core/flow-types.ts';
import type { NodeSpec, ValidationIssue } from '../../core/node-spec.ts';

export type ConnectionTypeOf = (id: string) => string | undefined;

export function connectionCheck(typeOf: ConnectionTypeOf) {
  const check = (id: unknown, path: string, accepted: string[]): ValidationIssue[] => {
    if (id === undefined || id === null || id === '') return [];
    if (typeof id !== 'string') return [{ path, message: 'must be a connection id' }];
    const type = typeOf(id);
    if (!type) return [{ path, message: `connection "${id}" does not exist` }];
    if (!accepted.includes(type)) return [{ path, message: `connection "${id}" is ${type}; this node needs ${accepted.join(' or ')}` }];
    return [];
  };
  return (node: FlowNode, spec: NodeSpec): ValidationIssue[] => {
    if (!spec.connectionTypes || spec.connectionTypes.length === 0) return [];
    const accepted = spec.connectionTypes;
    const issues = check(node.params?.['connection'], 'connection', accepted);
    const list = node.params?.['connections'];
    if (Array.isArray(list)) list.forEach((id, i) => issues.push(...check(id, `connections[${i}]`, accepted)));
    return issues;
  };
}
