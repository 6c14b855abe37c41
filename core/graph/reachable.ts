import type { FlowEdge } from '../flow-types.ts';
import { adjacency } from './adjacency.ts';

/** Every node reachable from `start` along edges (downstream), or against them when `upstream`. Excludes `start`. */
export function reachable(edges: readonly FlowEdge[], start: string, upstream = false): Set<string> {
  const next = adjacency(edges, upstream);
  const seen = new Set<string>();
  const stack = [...(next.get(start) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of next.get(id) ?? []) stack.push(n);
  }
  return seen;
}
