import { DEFAULT_SOURCE_PORT, DEFAULT_TARGET_PORT, type FlowEdge } from '../flow-types.ts';

export interface NormalEdge { source: string; sourcePort: string; target: string; targetPort: string }

/** An edge with its default ports filled in (SPEC §4). */
export function normalEdge(edge: FlowEdge): NormalEdge {
  return {
    source: edge.source,
    sourcePort: edge.sourcePort ?? DEFAULT_SOURCE_PORT,
    target: edge.target,
    targetPort: edge.targetPort ?? DEFAULT_TARGET_PORT,
  };
}
