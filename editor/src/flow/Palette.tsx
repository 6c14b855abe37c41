import { useMemo, useState, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { NodeTypeInfo } from '../api/types.ts';
import { CATEGORY_LABELS, CATEGORY_ORDER, colorOf, glyphOf } from '../lib/node-look.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { matchesPalette } from '../lib/palette-filter.ts';
import { freeSpot, nextTo } from './placement.ts';

export const DRAG_TYPE = 'application/x-tributary-node';

/** node types by category: drag one onto the canvas, or click to add it next to the selection */
export function Palette() {
  const { list, error } = useNodeTypes();
  const [filter, setFilter] = useState('');
  const flow = useReactFlow();
  const groups = useMemo(() => {
    const shown = list.filter((t) => matchesPalette(t, filter));
    return CATEGORY_ORDER.map((c) => ({ category: c, types: shown.filter((t) => t.category === c) })).filter((g) => g.types.length > 0);
  }, [list, filter]);

  const add = (t: NodeTypeInfo): void => {
    const { nodes, addNode } = useFlow.getState();
    const selected = nodes.find((n) => n.selected);
    const rect = document.querySelector('.canvas')?.getBoundingClientRect();
    const anchor = selected
      ? nextTo(selected)
      : rect
        ? flow.screenToFlowPosition({ x: rect.left + rect.width * 0.2, y: rect.top + rect.height * 0.35 })
        : { x: 80, y: 120 };
    const position = freeSpot(nodes, anchor);
    addNode(t.type, position);
    // keep the new node in view: zoom out to show the flow when it would fall outside
    if (rect) {
      const topLeft = flow.screenToFlowPosition({ x: rect.left, y: rect.top });
      const bottomRight = flow.screenToFlowPosition({ x: rect.right, y: rect.bottom });
      if (position.x + 210 > bottomRight.x || position.y + 110 > bottomRight.y || position.x < topLeft.x || position.y < topLeft.y)
        setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, minZoom: 0.5 }), 30);
    }
  };

  const onDragStart = (e: DragEvent, t: NodeTypeInfo): void => {
    e.dataTransfer.setData(DRAG_TYPE, t.type);
    e.dataTransfer.effectAllowed = 'move';
  };

  return (
    <aside className="palette" aria-label="Node palette">
      <input className="input small" placeholder="Search nodes…" value={filter} onChange={(e) => setFilter(e.target.value)} />
      {error && <div className="banner error small">{error}</div>}
      {groups.map((g) => (
        <section key={g.category} className="palette-group">
          <h4>{CATEGORY_LABELS[g.category]}</h4>
          {g.types.map((t) => (
            <button
              key={t.type}
              type="button"
              className="palette-item"
              draggable
              onDragStart={(e) => onDragStart(e, t)}
              onClick={() => add(t)}
              title={`${t.description}\n(click to add, or drag onto the canvas)`}
              data-testid={`palette-${t.type}`}
              style={{ ['--accent' as string]: colorOf(t) }}
            >
              <span className="node-glyph">{glyphOf(t)}</span>
              <span>{t.label}</span>
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
