/** Flow documents ↔ canvas nodes and edges (@xyflow/react). Ports are edge handles. */
import type { Edge, Node } from '@xyflow/react';
import {
  DEFAULT_SOURCE_PORT, DEFAULT_TARGET_PORT,
  type FlowDocument, type FlowEdge, type FlowNode, type FlowSettings, type OnErrorPolicy, type RetryPolicy,
} from '../../../core/flow-types.ts';
import { ERROR_PORT } from '../../../core/flow-types.ts';

export interface NodeData extends Record<string, unknown> {
  type: string;
  name?: string;
  params: Record<string, unknown>;
  disabled?: boolean;
  retry?: RetryPolicy;
  onError?: OnErrorPolicy;
}

export type CanvasNode = Node<NodeData, 'tributary'>;
export type CanvasEdge = Edge;

export function toCanvasNode(n: FlowNode, index: number): CanvasNode {
  const data: NodeData = { type: n.type, params: n.params ?? {} };
  if (n.name !== undefined) data.name = n.name;
  if (n.disabled !== undefined) data.disabled = n.disabled;
  if (n.retry !== undefined) data.retry = n.retry;
  if (n.onError !== undefined) data.onError = n.onError;
  return { id: n.id, type: 'tributary', position: n.position ?? { x: 80 + (index % 5) * 240, y: 80 + Math.floor(index / 5) * 160 }, data };
}

export function edgeId(e: { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }): string {
  return `e:${e.source}:${e.sourceHandle ?? DEFAULT_SOURCE_PORT}->${e.target}:${e.targetHandle ?? DEFAULT_TARGET_PORT}`;
}

export function toCanvasEdge(e: FlowEdge): CanvasEdge {
  const sourceHandle = e.sourcePort ?? DEFAULT_SOURCE_PORT;
  const targetHandle = e.targetPort ?? DEFAULT_TARGET_PORT;
  return decorateEdge({ id: edgeId({ source: e.source, sourceHandle, target: e.target, targetHandle }), source: e.source, sourceHandle, target: e.target, targetHandle });
}

/** error-port edges look different (dashed red) */
export function decorateEdge(e: CanvasEdge, invalid = false): CanvasEdge {
  const classes = [e.sourceHandle === ERROR_PORT ? 'edge-error-port' : '', invalid ? 'edge-invalid' : ''].filter(Boolean).join(' ');
  return { ...e, className: classes || undefined, data: { ...(e.data ?? {}), invalid } };
}

export function toFlowNode(n: CanvasNode): FlowNode {
  const out: FlowNode = { id: n.id, type: n.data.type, params: n.data.params, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } };
  if (n.data.name) out.name = n.data.name;
  if (n.data.disabled) out.disabled = true;
  if (n.data.retry) out.retry = n.data.retry;
  if (n.data.onError) out.onError = n.data.onError;
  return out;
}

export function toFlowEdge(e: CanvasEdge): FlowEdge {
  return {
    source: e.source,
    sourcePort: e.sourceHandle ?? DEFAULT_SOURCE_PORT,
    target: e.target,
    targetPort: e.targetHandle ?? DEFAULT_TARGET_PORT,
  };
}

export function toDocument(meta: { name: string; description: string; settings: FlowSettings }, nodes: CanvasNode[], edges: CanvasEdge[]): FlowDocument {
  const doc: FlowDocument = { name: meta.name, nodes: nodes.map(toFlowNode), edges: edges.map(toFlowEdge) };
  if (meta.description) doc.description = meta.description;
  if (Object.keys(meta.settings).length > 0) doc.settings = meta.settings;
  return doc;
}
