/** Where a node added by clicking the palette goes: right of the selected node, else mid-left of the view, never on top of another. */
import type { Position } from '../../../core/flow-types.ts';
import type { CanvasNode } from '../lib/flow-convert.ts';

const STEP_X = 250;
const STEP_Y = 130;

export function freeSpot(nodes: readonly CanvasNode[], preferred: Position): Position {
  const taken = (p: Position): boolean => nodes.some((n) => Math.abs(n.position.x - p.x) < 200 && Math.abs(n.position.y - p.y) < 90);
  let spot = { ...preferred };
  for (let i = 0; i < 50 && taken(spot); i++) spot = i % 4 === 3 ? { x: preferred.x, y: spot.y + STEP_Y } : { x: spot.x + STEP_X, y: spot.y };
  return spot;
}

export function nextTo(node: CanvasNode): Position {
  return { x: node.position.x + STEP_X, y: node.position.y };
}
