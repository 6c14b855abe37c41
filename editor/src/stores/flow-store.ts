/**
 * The flow open in the editor: its canvas nodes and edges, metadata, saved version and state,
 * and the issues the server reported on the last save (mapped to nodes, edges and fields).
 */
import { create } from 'zustand';
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import type { FlowDocument, FlowSettings, Position } from '../../../core/flow-types.ts';
import type { FlowState, FlowView, Replacement, ValidationIssue } from '../api/types.ts';
import {
  decorateEdge, edgeId, toCanvasEdge, toCanvasNode, toDocument, toFlowEdge, toFlowNode,
  type CanvasEdge, type CanvasNode, type NodeData,
} from '../lib/flow-convert.ts';
import { fragmentOf, prepareFragment, withoutMaskedSecrets, type Fragment, type Placement } from '../lib/clipboard.ts';
import { canRedo, canUndo, emptyHistory, push, redo, undo, type History } from '../lib/history.ts';
import { issueTarget } from '../lib/issues.ts';
import { newNodeId } from '../lib/node-id.ts';
import { allOutputPorts } from '../lib/ports.ts';
import { useNodeTypes } from './node-types-store.ts';

export interface FlowIssues {
  /** per node id: issues with paths relative to the node (`params.interval`, `id`) */
  nodes: Record<string, ValidationIssue[]>;
  /** per edge id */
  edges: Record<string, string[]>;
  /** the rest (cycle, document shape), with their original paths */
  flow: ValidationIssue[];
}

const noIssues: FlowIssues = { nodes: {}, edges: {}, flow: [] };

/** what undo brings back: everything the user edits, not the selection, the version or the issues */
interface Snapshot {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  name: string;
  description: string;
  settings: FlowSettings;
}

interface FlowEditorState {
  flowId?: string;
  name: string;
  description: string;
  settings: FlowSettings;
  version?: number;
  state: FlowState;
  stateError?: string;
  /** the version the server runs, while it runs (may differ from `version` after a refused save) */
  runningVersion?: number;
  /** the saved version not running yet, with why it was refused */
  replacement?: Replacement;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  dirty: boolean;
  issues: FlowIssues;
  /** bumped when another flow is loaded (the canvas fits it into view) */
  loadSeq: number;
  history: History<Snapshot>;
  canUndo: boolean;
  canRedo: boolean;

  startNew(): void;
  load(view: FlowView): void;
  /** after a successful save or start: server's version and state, issues cleared */
  saved(view: FlowView): void;
  setState(state: FlowState, error?: string): void;
  /** state, running version and replacement from a view of the flow (after start, stop, a live state change) */
  setRuntime(view: Pick<FlowView, 'state' | 'stateError' | 'runningVersion' | 'replacement'>): void;
  setMeta(meta: Partial<{ name: string; description: string; settings: FlowSettings }>): void;
  addNode(type: string, position: Position): string;
  updateNode(id: string, patch: Partial<NodeData>): void;
  removeNode(id: string): void;
  select(id: string | undefined): void;
  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  connect(c: Connection): void;
  undo(): void;
  redo(): void;
  selectAll(): void;
  /** the selected nodes, their wires and the selected wires, as one undo step */
  deleteSelection(): void;
  /** the selected nodes and the wires between them, as a flow document part */
  copySelection(): Fragment;
  /** adds a copied or pasted part with new ids (one undo step) and selects it alone; answers the new ids */
  paste(fragment: Fragment, place: Placement): string[];
  document(): FlowDocument;
  setIssues(issues: ValidationIssue[], doc: FlowDocument): void;
}

function runtimeOf(view: Pick<FlowView, 'state' | 'stateError' | 'runningVersion' | 'replacement'>): Pick<FlowEditorState, 'state' | 'stateError' | 'runningVersion' | 'replacement'> {
  return { state: view.state, stateError: view.stateError, runningVersion: view.runningVersion, replacement: view.replacement };
}

export const useFlow = create<FlowEditorState>()((set, get) => ({
  name: 'New flow',
  description: '',
  settings: {},
  state: 'stopped',
  nodes: [],
  edges: [],
  dirty: false,
  issues: noIssues,
  loadSeq: 0,
  history: emptyHistory(),
  canUndo: false,
  canRedo: false,

  startNew() {
    set({ ...freshHistory(), loadSeq: get().loadSeq + 1, flowId: undefined, name: 'New flow', description: '', settings: {}, version: undefined, state: 'stopped', stateError: undefined, runningVersion: undefined, replacement: undefined, nodes: [], edges: [], dirty: false, issues: noIssues });
    savedText = documentText(get());
  },

  load(view) {
    set({
      ...freshHistory(),
      loadSeq: get().loadSeq + 1,
      flowId: view.id,
      name: view.name,
      description: view.description ?? '',
      settings: view.settings ?? {},
      version: view.version,
      ...runtimeOf(view),
      nodes: view.nodes.map(toCanvasNode),
      edges: view.edges.map(toCanvasEdge),
      dirty: false,
      issues: noIssues,
    });
    savedText = documentText(get());
  },

  saved(view) {
    set({ flowId: view.id, version: view.version, ...runtimeOf(view), dirty: false, issues: noIssues, edges: get().edges.map((e) => decorateEdge(e)) });
    savedText = documentText(get());
  },

  setState(state, error) {
    set({ state, stateError: error, ...(state === 'running' ? {} : { runningVersion: undefined, replacement: undefined }) });
  },

  setRuntime(view) {
    set(runtimeOf(view));
  },

  setMeta(meta) {
    remember(`meta:${Object.keys(meta).sort().join()}`);
    set({ ...meta, dirty: true });
  },

  addNode(type, position) {
    const { nodes } = get();
    const id = newNodeId(new Set(nodes.map((n) => n.id)));
    const node: CanvasNode = { ...toCanvasNode({ id, type, params: {}, position }, nodes.length), selected: true };
    remember();
    set({ nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], dirty: true });
    return id;
  },

  updateNode(id, patch) {
    const info = (type: string) => useNodeTypes.getState().byType.get(type);
    const current = get().nodes.find((n) => n.id === id);
    if (!current) return;
    // typing into one field is one step; another field or node starts the next
    const fields = changedFields(current.data, patch);
    if (fields.length > 0) remember(`node:${id}:${fields.join()}`);
    let portsChanged = false;
    let ports: string[] = [];
    const nodes = get().nodes.map((n) => {
      if (n.id !== id) return n;
      const data: NodeData = { ...n.data, ...patch };
      for (const key of Object.keys(patch) as (keyof NodeData)[]) if (patch[key] === undefined) delete data[key];
      if (patch.params) {
        const before = allOutputPorts(info(n.data.type), n.data.params);
        ports = allOutputPorts(info(n.data.type), data.params);
        portsChanged = before.join() !== ports.join();
      }
      return { ...n, data };
    });
    // edges from ports that no longer exist (a removed switch rule) go with them
    const edges = portsChanged ? get().edges.filter((e) => e.source !== id || ports.includes(e.sourceHandle ?? 'out')) : get().edges;
    const gone = get().edges.filter((e) => !edges.includes(e)).map((e) => e.id);
    set({ nodes, edges, dirty: true, issues: withoutIssuesOf(clearNodeIssues(get().issues, id, patch), [], gone) });
  },

  removeNode(id) {
    remember();
    const gone = get().edges.filter((e) => e.source === id || e.target === id).map((e) => e.id);
    set({
      nodes: get().nodes.filter((n) => n.id !== id),
      edges: get().edges.filter((e) => e.source !== id && e.target !== id),
      dirty: true,
      issues: withoutIssuesOf(get().issues, [id], gone),
    });
  },

  select(id) {
    set({ nodes: get().nodes.map((n) => ((n.id === id) === Boolean(n.selected) ? n : { ...n, selected: n.id === id })) });
  },

  onNodesChange(changes) {
    rememberNodeChanges(changes);
    const meaningful = changes.some((c) => c.type === 'remove' || c.type === 'add' || (c.type === 'position' && c.dragging === false));
    const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
    set({ nodes: applyNodeChanges(changes, get().nodes), ...(meaningful ? { dirty: true } : {}), ...(removed.length > 0 ? { issues: withoutIssuesOf(get().issues, removed, []) } : {}) });
  },

  onEdgesChange(changes) {
    if (changes.some((c) => c.type === 'remove' || c.type === 'add')) remember('canvas-remove', 100);
    const meaningful = changes.some((c) => c.type === 'remove' || c.type === 'add');
    const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
    set({ edges: applyEdgeChanges(changes, get().edges), ...(meaningful ? { dirty: true } : {}), ...(removed.length > 0 ? { issues: withoutIssuesOf(get().issues, [], removed) } : {}) });
  },

  connect(c) {
    const id = edgeId(c);
    if (get().edges.some((e) => e.id === id)) return;
    const edge = decorateEdge({ id, source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? 'out', targetHandle: c.targetHandle ?? 'in' });
    remember();
    set({ edges: [...get().edges, edge], dirty: true });
  },

  undo() {
    const r = undo(get().history, snapshotOf(get()));
    if (r) set({ ...restore(r.state), ...historyFlags(r.history) });
  },

  redo() {
    const r = redo(get().history, snapshotOf(get()), Date.now());
    if (r) set({ ...restore(r.state), ...historyFlags(r.history) });
  },

  selectAll() {
    set({ nodes: get().nodes.map((n) => (n.selected ? n : { ...n, selected: true })), edges: get().edges.map((e) => (e.selected ? e : { ...e, selected: true })) });
  },

  deleteSelection() {
    const { nodes, edges, issues } = get();
    const removed = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
    const goneEdges = edges.filter((e) => e.selected || removed.has(e.source) || removed.has(e.target));
    if (removed.size === 0 && goneEdges.length === 0) return;
    remember();
    set({
      nodes: nodes.filter((n) => !removed.has(n.id)),
      edges: edges.filter((e) => !goneEdges.includes(e)),
      dirty: true,
      issues: withoutIssuesOf(issues, [...removed], goneEdges.map((e) => e.id)),
    });
  },

  copySelection() {
    const { nodes, edges } = get();
    const selected = new Set(nodes.filter((n) => n.selected).map((n) => n.id));
    return fragmentOf({ nodes: nodes.map(toFlowNode), edges: edges.map(toFlowEdge) }, selected);
  },

  paste(fragment, place) {
    const { nodes, edges } = get();
    const sensitiveOf = (type: string) => useNodeTypes.getState().byType.get(type)?.sensitiveParams ?? [];
    const ready = prepareFragment(withoutMaskedSecrets(fragment, sensitiveOf), new Set(nodes.map((n) => n.id)), place);
    if (ready.nodes.length === 0) return [];
    remember();
    const added = ready.nodes.map((n, i) => ({ ...toCanvasNode(n, nodes.length + i), selected: true }));
    set({
      nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...added],
      edges: [...edges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...ready.edges.map(toCanvasEdge)],
      dirty: true,
    });
    return added.map((n) => n.id);
  },

  document() {
    const { name, description, settings, nodes, edges } = get();
    return toDocument({ name, description, settings }, nodes, edges);
  },

  setIssues(list, doc) {
    const issues: FlowIssues = { nodes: {}, edges: {}, flow: [] };
    for (const issue of list) {
      const t = issueTarget(issue.path);
      const node = t.scope === 'node' ? doc.nodes[t.index] : undefined;
      const edge = t.scope === 'edge' ? doc.edges[t.index] : undefined;
      const edgeKey = edge ? edgeId({ source: edge.source, sourceHandle: edge.sourcePort, target: edge.target, targetHandle: edge.targetPort }) : undefined;
      if (node && t.scope === 'node') (issues.nodes[node.id] ??= []).push({ path: t.rest, message: issue.message });
      else if (edgeKey !== undefined) (issues.edges[edgeKey] ??= []).push(issue.message);
      else issues.flow.push(issue);
    }
    set({ issues, edges: get().edges.map((e) => decorateEdge(e, issues.edges[e.id] !== undefined)) });
  },
}));

/** a deleted node or wire takes the server's complaints about it along (the problems list would name what is gone) */
function withoutIssuesOf(issues: FlowIssues, nodeIds: readonly string[], edgeIds: readonly string[]): FlowIssues {
  if (!nodeIds.some((id) => issues.nodes[id]) && !edgeIds.some((id) => issues.edges[id])) return issues;
  const nodes = { ...issues.nodes };
  const edges = { ...issues.edges };
  for (const id of nodeIds) delete nodes[id];
  for (const id of edgeIds) delete edges[id];
  return { ...issues, nodes, edges };
}

/** editing a field clears the server's complaint about it */
function clearNodeIssues(issues: FlowIssues, id: string, patch: Partial<NodeData>): FlowIssues {
  const mine = issues.nodes[id];
  if (!mine) return issues;
  const prev = useFlow.getState().nodes.find((n) => n.id === id)?.data.params ?? {};
  const changed = new Set<string>();
  if (patch.params) for (const k of new Set([...Object.keys(prev), ...Object.keys(patch.params)])) if (prev[k] !== patch.params[k]) changed.add(`params.${k}`);
  for (const k of Object.keys(patch)) if (k !== 'params') changed.add(k);
  const left = mine.filter((i) => ![...changed].some((c) => i.path === c || i.path.startsWith(`${c}.`) || i.path.startsWith(`${c}[`)));
  const nodes = { ...issues.nodes };
  if (left.length > 0) nodes[id] = left;
  else delete nodes[id];
  return { ...issues, nodes };
}

/** another flow opened: nothing to undo, and no drag in progress */
function freshHistory(): { history: History<Snapshot>; canUndo: boolean; canRedo: boolean } {
  dragging = false;
  return historyFlags(emptyHistory());
}

function historyFlags(history: History<Snapshot>): { history: History<Snapshot>; canUndo: boolean; canRedo: boolean } {
  return { history, canUndo: canUndo(history), canRedo: canRedo(history) };
}

function snapshotOf(s: Snapshot): Snapshot {
  return { nodes: s.nodes, edges: s.edges, name: s.name, description: s.description, settings: s.settings };
}

/** records the flow as it is now as an undo step, before an edit (`key`: see lib/history.ts) */
function remember(key?: string, windowMs?: number): void {
  const s = useFlow.getState();
  const history = push(s.history, snapshotOf(s), { now: Date.now(), ...(key !== undefined ? { key } : {}), ...(windowMs !== undefined ? { windowMs } : {}) });
  useFlow.setState(historyFlags(history));
}

/** the document as last opened or saved, to tell whether undo/redo arrived back at it */
let savedText: string | undefined;

function documentText(s: Snapshot): string {
  return JSON.stringify(toDocument({ name: s.name, description: s.description, settings: s.settings }, s.nodes, s.edges));
}

let dragSeq = 0;
let dragging = false;

/** a drag is one step, from its first move to the drop; a removal with its wires is one step */
function rememberNodeChanges(changes: NodeChange<CanvasNode>[]): void {
  if (changes.some((c) => c.type === 'remove' || c.type === 'add')) return remember('canvas-remove', 100);
  const moves = changes.filter((c) => c.type === 'position');
  if (moves.length === 0) return;
  if (moves.some((c) => c.dragging === true)) {
    if (!dragging) remember(`drag:${++dragSeq}`, Number.POSITIVE_INFINITY);
    dragging = true;
  } else if (dragging) dragging = false;
  // moved without a drag (arrow keys): a burst of nudges is one step
  else if (moves.some((c) => c.position !== undefined)) remember('nudge');
}

/** the canvas after undo/redo: the snapshot's content with today's selection; issues of what is gone are dropped */
function restore(snap: Snapshot): Partial<FlowEditorState> {
  const s = useFlow.getState();
  const selectedNodes = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
  const selectedEdges = new Set(s.edges.filter((e) => e.selected).map((e) => e.id));
  const nodes = snap.nodes.map((n) => (Boolean(n.selected) === selectedNodes.has(n.id) ? n : { ...n, selected: selectedNodes.has(n.id) }));
  const edges = snap.edges.map((e) => (Boolean(e.selected) === selectedEdges.has(e.id) ? e : { ...e, selected: selectedEdges.has(e.id) }));
  const nodeIds = new Set(nodes.map((n) => n.id));
  const edgeIds = new Set(edges.map((e) => e.id));
  const issues = withoutIssuesOf(s.issues, Object.keys(s.issues.nodes).filter((id) => !nodeIds.has(id)), Object.keys(s.issues.edges).filter((id) => !edgeIds.has(id)));
  // undoing back to what was saved leaves nothing unsaved
  return { nodes, edges, name: snap.name, description: snap.description, settings: snap.settings, dirty: documentText(snap) !== savedText, issues };
}

/** `params.interval`, `name`: what a patch changes, so each field's typing is its own step */
function changedFields(before: NodeData, patch: Partial<NodeData>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(patch).sort()) {
    if (key !== 'params') {
      if (JSON.stringify(before[key]) !== JSON.stringify(patch[key])) out.push(key);
      continue;
    }
    const a = before.params;
    const b = patch.params ?? {};
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`params.${k}`);
  }
  return out;
}
