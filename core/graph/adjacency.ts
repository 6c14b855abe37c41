import type { FlowEdge } from '../flow-types.ts';

/** node id → ids of the nodes its edges lead to (or come from, when `reverse`). */
export function adjacency(edges: readonly FlowEdge[], reverse = false): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of edges) {
    const from = reverse ? e.target : e.source;
    const to = reverse ? e.source : e.target;
    const list = map.get(from);
    if (list) list.push(to);
    else map.set(from, [to]);
  }
  return map;
}
