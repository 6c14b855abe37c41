export { normalEdge, type NormalEdge } from './edge-ports.ts';
export { adjacency } from './adjacency.ts';
export { reachable } from './reachable.ts';
export { findCycle } from './find-cycle.ts';
