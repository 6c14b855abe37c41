/**
 * Copy and paste of canvas nodes (pure, no React). The clipboard text is our flow export format
 * (`{"format":"tributary-flow", "flow": {…}}`), so a selection pasted into a text file imports as
 * a flow, and an exported flow file pasted onto the canvas adds its nodes. A paste gives every
 * node a new id and points the wires and the `${id|…}` references inside the pasted part at the
 * copies; references to nodes outside it keep pointing at the originals.
 */
import { SECRET_MASK } from '../../../core/connection-types.ts';
import type { FlowEdge, FlowNode, Position } from '../../../core/flow-types.ts';
import { newNodeId } from './node-id.ts';
import { remapRefs } from './remap-refs.ts';

export interface Fragment { nodes: FlowNode[]; edges: FlowEdge[] }

/** how far each paste of the same copy moves from the last */
export const PASTE_OFFSET: Position = { x: 40, y: 40 };

/** the selected nodes and the wires between them */
export function fragmentOf(all: Fragment, selected: ReadonlySet<string>): Fragment {
  return {
    nodes: all.nodes.filter((n) => selected.has(n.id)),
    edges: all.edges.filter((e) => selected.has(e.source) && selected.has(e.target)),
  };
}

export function fragmentText(fragment: Fragment, name: string, now: Date = new Date()): string {
  return JSON.stringify({ format: 'tributary-flow', formatVersion: 1, exportedAt: now.toISOString(), flow: { name, nodes: fragment.nodes, edges: fragment.edges }, connections: [] }, null, 2);
}

export type Parsed = { fragment: Fragment } | { error: string };

/** reads pasted text: an export file or a bare flow document; anything else is an error naming what is wrong */
export function parseFragment(text: string): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: 'the pasted text is not JSON' };
  }
  if (Array.isArray(body)) return { error: 'this looks like a Node-RED export: use Import on the flows page' };
  if (!isObject(body)) return { error: 'the pasted JSON is not a flow' };
  const isFile = body['format'] === 'tributary-flow';
  const doc = isFile ? body['flow'] : body;
  const at = isFile ? 'flow.' : '';
  if (!isObject(doc) || !Array.isArray(doc['nodes'])) return { error: `${at}nodes: the pasted JSON has no list of nodes` };
  const nodes: FlowNode[] = [];
  for (const [i, n] of (doc['nodes'] as unknown[]).entries()) {
    const where = `${at}nodes[${i}]`;
    if (!isObject(n)) return { error: `${where}: must be an object` };
    if (typeof n['id'] !== 'string' || n['id'] === '') return { error: `${where}.id: must be a non-empty string` };
    if (typeof n['type'] !== 'string' || n['type'] === '') return { error: `${where}.type: must be a non-empty string` };
    if (n['params'] !== undefined && !isObject(n['params'])) return { error: `${where}.params: must be an object` };
    const p = n['position'];
    if (p !== undefined && !(isObject(p) && typeof p['x'] === 'number' && typeof p['y'] === 'number')) return { error: `${where}.position: must be {x, y} numbers` };
    nodes.push({ ...(n as unknown as FlowNode), params: (n['params'] as Record<string, unknown> | undefined) ?? {} });
  }
  const rawEdges = doc['edges'] ?? [];
  if (!Array.isArray(rawEdges)) return { error: `${at}edges: must be a list` };
  const edges: FlowEdge[] = [];
  for (const [i, e] of (rawEdges as unknown[]).entries()) {
    const where = `${at}edges[${i}]`;
    if (!isObject(e) || typeof e['source'] !== 'string' || typeof e['target'] !== 'string') return { error: `${where}: needs a source and a target node id` };
    for (const port of ['sourcePort', 'targetPort'] as const) if (e[port] !== undefined && typeof e[port] !== 'string') return { error: `${where}.${port}: must be a string` };
    edges.push(e as unknown as FlowEdge);
  }
  if (nodes.length === 0) return { error: `${at}nodes: the pasted flow has no nodes` };
  return { fragment: { nodes, edges } };
}

export interface Placement {
  /** moves every node by this much */
  offset?: Position;
  /** or puts the top-left corner of the pasted nodes here, or lower down where they cover no node of `around` */
  at?: Position;
  around?: readonly Position[];
}

/** a node card's footprint, with a margin: closer than this is on top of each other */
const CARD = { w: 210, h: 100 };

/**
 * The fragment ready to add to a flow whose node ids are `taken`: new ids, wires and references
 * inside the fragment remapped, wires to nodes outside it dropped, positions moved.
 */
export function prepareFragment(fragment: Fragment, taken: ReadonlySet<string>, place: Placement, random: () => number = Math.random): Fragment & { ids: Map<string, string> } {
  const used = new Set(taken);
  const ids = new Map<string, string>();
  for (const n of fragment.nodes) {
    if (ids.has(n.id)) continue;
    const id = newNodeId(used, random);
    used.add(id);
    ids.set(n.id, id);
  }
  const placed = fragment.nodes.map((n, i) => n.position ?? { x: (i % 5) * 240, y: Math.floor(i / 5) * 160 });
  const minX = Math.min(...placed.map((p) => p.x));
  const minY = Math.min(...placed.map((p) => p.y));
  const shift = place.at ? clearShift(placed.map((p) => ({ x: p.x - minX, y: p.y - minY })), place.at, place.around ?? []) : (place.offset ?? PASTE_OFFSET);
  const seen = new Set<string>();
  const nodes = fragment.nodes.flatMap((n, i) => {
    // a pasted text may repeat an id: the first node keeps the wires, as the server's check would refuse the rest
    if (seen.has(n.id)) return [];
    seen.add(n.id);
    const p = placed[i] as Position;
    return [{ ...n, id: ids.get(n.id) as string, params: remapRefs(n.params ?? {}, ids), position: { x: p.x + shift.x, y: p.y + shift.y } }];
  });
  const edgeKeys = new Set<string>();
  const edges = fragment.edges.flatMap((e) => {
    const source = ids.get(e.source);
    const target = ids.get(e.target);
    if (source === undefined || target === undefined) return [];
    const edge: FlowEdge = { source, target };
    if (e.sourcePort !== undefined) edge.sourcePort = e.sourcePort;
    if (e.targetPort !== undefined) edge.targetPort = e.targetPort;
    const key = `${source}:${e.sourcePort ?? ''}->${target}:${e.targetPort ?? ''}`;
    if (edgeKeys.has(key)) return [];
    edgeKeys.add(key);
    return [edge];
  });
  return { nodes, edges, ids };
}

/** from `at` downwards, the first shift that puts none of `relative` on top of a node of `around` */
function clearShift(relative: readonly Position[], at: Position, around: readonly Position[]): Position {
  const covers = (y: number): boolean => relative.some((r) => around.some((o) => Math.abs(at.x + r.x - o.x) < CARD.w && Math.abs(y + r.y - o.y) < CARD.h));
  let y = at.y;
  for (let i = 0; i < 200 && covers(y); i++) y += CARD.h / 2;
  return { x: at.x, y };
}

/** which type's params hold credentials (NodeTypeInfo.sensitiveParams) */
export type SensitiveOf = (type: string) => readonly string[];

/**
 * The credentials a copy cannot carry: the server shows a stored secret as `"***"` and keeps it
 * per node, so a copy (a new node) has none. Listed by the original node's id and param.
 */
export function maskedSecrets(fragment: Fragment, sensitiveOf: SensitiveOf): { nodeId: string; param: string }[] {
  return fragment.nodes.flatMap((n) => sensitiveOf(n.type).filter((p) => n.params?.[p] === SECRET_MASK).map((param) => ({ nodeId: n.id, param })));
}

/** the fragment with those `"***"` left empty, so the copies ask for the value rather than fail on save */
export function withoutMaskedSecrets(fragment: Fragment, sensitiveOf: SensitiveOf): Fragment {
  const nodes = fragment.nodes.map((n) => {
    const masked = sensitiveOf(n.type).filter((p) => n.params?.[p] === SECRET_MASK);
    return masked.length === 0 ? n : { ...n, params: Object.fromEntries(Object.entries(n.params).filter(([k]) => !masked.includes(k))) };
  });
  return { nodes, edges: fragment.edges };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
