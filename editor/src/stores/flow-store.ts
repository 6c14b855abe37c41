/**
 * The flow open in the editor: its canvas nodes and edges, metadata, saved version and state,
 * and the issues the server reported on the last save (mapped to nodes, edges and fields).
 */
import { create } from 'zustand';
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import type { FlowDocument, FlowSettings, Position } from '../../../core/flow-types.ts';
import type { FlowState, FlowView, Replacement, ValidationIssue } from '../api/types.ts';
import {
  decorateEdge, edgeId, toCanvasEdge, toCanvasNode, toDocument,
  type CanvasEdge, type CanvasNode, type NodeData,
} from '../lib/flow-convert.ts';
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

  startNew() {
    set({ loadSeq: get().loadSeq + 1, flowId: undefined, name: 'New flow', description: '', settings: {}, version: undefined, state: 'stopped', stateError: undefined, runningVersion: undefined, replacement: undefined, nodes: [], edges: [], dirty: false, issues: noIssues });
  },

  load(view) {
    set({
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
  },

  saved(view) {
    set({ flowId: view.id, version: view.version, ...runtimeOf(view), dirty: false, issues: noIssues, edges: get().edges.map((e) => decorateEdge(e)) });
  },

  setState(state, error) {
    set({ state, stateError: error, ...(state === 'running' ? {} : { runningVersion: undefined, replacement: undefined }) });
  },

  setRuntime(view) {
    set(runtimeOf(view));
  },

  setMeta(meta) {
    set({ ...meta, dirty: true });
  },

  addNode(type, position) {
    const { nodes } = get();
    const id = newNodeId(new Set(nodes.map((n) => n.id)));
    const node: CanvasNode = { ...toCanvasNode({ id, type, params: {}, position }, nodes.length), selected: true };
    set({ nodes: [...nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node], dirty: true });
    return id;
  },

  updateNode(id, patch) {
    const info = (type: string) => useNodeTypes.getState().byType.get(type);
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
    const meaningful = changes.some((c) => c.type === 'remove' || c.type === 'add' || (c.type === 'position' && c.dragging === false));
    const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
    set({ nodes: applyNodeChanges(changes, get().nodes), ...(meaningful ? { dirty: true } : {}), ...(removed.length > 0 ? { issues: withoutIssuesOf(get().issues, removed, []) } : {}) });
  },

  onEdgesChange(changes) {
    const meaningful = changes.some((c) => c.type === 'remove' || c.type === 'add');
    const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
    set({ edges: applyEdgeChanges(changes, get().edges), ...(meaningful ? { dirty: true } : {}), ...(removed.length > 0 ? { issues: withoutIssuesOf(get().issues, [], removed) } : {}) });
  },

  connect(c) {
    const id = edgeId(c);
    if (get().edges.some((e) => e.id === id)) return;
    const edge = decorateEdge({ id, source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? 'out', targetHandle: c.targetHandle ?? 'in' });
    set({ edges: [...get().edges, edge], dirty: true });
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
