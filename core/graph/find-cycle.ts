import type { FlowEdge } from '../flow-types.ts';
import { adjacency } from './adjacency.ts';

/** A cycle as a list of node ids (first = last), or null when the graph is acyclic. */
export function findCycle(nodeIds: readonly string[], edges: readonly FlowEdge[]): string[] | null {
  const next = adjacency(edges);
  const state = new Map<string, 1 | 2>(); // 1 = on stack, 2 = done
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 1);
    path.push(id);
    for (const n of next.get(id) ?? []) {
      const s = state.get(n);
      if (s === 1) return [...path.slice(path.indexOf(n)), n];
      if (s === undefined) {
        const found = visit(n);
        if (found) return found;
      }
    }
    path.pop();
    state.set(id, 2);
    return null;
  };
  for (const id of nodeIds) {
    if (!state.has(id)) {
      const found = visit(id);
      if (found) return found;
    }
  }
  return null;
}
