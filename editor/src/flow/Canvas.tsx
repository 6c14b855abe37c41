import { useCallback, useEffect, type DragEvent } from 'react';
import {
  Background, Controls, MarkerType, MiniMap, ReactFlow, useReactFlow,
  type Connection, type DefaultEdgeOptions, type Edge, type IsValidConnection, type NodeTypes,
} from '@xyflow/react';
import type { CanvasNode } from '../lib/flow-convert.ts';
import { colorOf } from '../lib/node-look.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { CanvasCommands } from './CanvasCommands.tsx';
import { FlowNodeCard } from './FlowNodeCard.tsx';
import { DRAG_TYPE } from './Palette.tsx';

const nodeTypes: NodeTypes = { tributary: FlowNodeCard };
const edgeOptions: DefaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };
// Shift-click adds to the selection as in most editors (Ctrl and Cmd too); Del is handled with the other shortcuts (one undo step)
const MULTI_SELECT_KEYS = ['Shift', 'Control', 'Meta'];

/** `readOnly`: nodes can be selected (to read their params) but not moved, wired or deleted */
export function Canvas({ readOnly = false }: { readOnly?: boolean }) {
  const nodes = useFlow((s) => s.nodes);
  const edges = useFlow((s) => s.edges);
  const loadSeq = useFlow((s) => s.loadSeq);
  const { onNodesChange, onEdgesChange, connect, addNode } = useFlow.getState();
  const flow = useReactFlow<CanvasNode, Edge>();

  // a freshly opened flow is fitted into view once its nodes are measured
  const fitView = flow.fitView;
  useEffect(() => {
    const t = setTimeout(() => {
      if (useFlow.getState().nodes.length > 0) void fitView({ padding: 0.25, maxZoom: 1 });
    }, 80);
    return () => clearTimeout(t);
    // only when another flow is loaded, not when the instance changes
  }, [loadSeq]);

  const isValidConnection: IsValidConnection<Edge> = useCallback(
    (c) => c.source !== c.target && !useFlow.getState().edges.some((e) => e.source === c.source && e.target === c.target && e.sourceHandle === c.sourceHandle && e.targetHandle === c.targetHandle),
    [],
  );

  const onDrop = (e: DragEvent): void => {
    if (readOnly) return;
    const type = e.dataTransfer.getData(DRAG_TYPE);
    if (!type) return;
    e.preventDefault();
    const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    addNode(type, { x: p.x - 90, y: p.y - 30 });
  };

  return (
    <div className="canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <ReactFlow<CanvasNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c: Connection) => connect(c)}
        isValidConnection={isValidConnection}
        defaultEdgeOptions={edgeOptions}
        deleteKeyCode={null}
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={!readOnly}
        minZoom={0.2}
        maxZoom={2}
        snapToGrid
        snapGrid={[10, 10]}
        attributionPosition="bottom-left"
        connectionRadius={28}
      >
        <Background gap={20} size={1.2} color="#cbd5e1" />
        <Controls position="top-left" showInteractive={false} />
        <MiniMap pannable zoomable style={{ width: 160, height: 100 }} nodeColor={(n) => colorOf(useNodeTypes.getState().byType.get((n as CanvasNode).data.type))} nodeStrokeWidth={2} />
      </ReactFlow>
      <CanvasCommands readOnly={readOnly} />
      {nodes.length === 0 && !readOnly && (
        <div className="canvas-hint">
          <strong>Empty flow.</strong> Click or drag node types from the palette on the left, then drag from a node's right-hand port to another's left-hand port to wire them.
        </div>
      )}
    </div>
  );
}
