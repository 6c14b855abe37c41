import { useMemo, useState, type KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { findNodes, type Found } from '../lib/find-node.ts';
import { useCanvasUi } from '../stores/canvas-ui-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';

/** Ctrl+F: type a label, id or type; Enter or a click selects the node and centres it */
export function FindNode() {
  const open = useCanvasUi((s) => s.findOpen);
  return open ? <FindBox /> : null;
}

function FindBox() {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const nodes = useFlow((s) => s.nodes);
  const byType = useNodeTypes((s) => s.byType);
  const flow = useReactFlow();
  const close = (): void => useCanvasUi.getState().setFind(false);
  const found = useMemo(
    () => findNodes(nodes.map((n) => ({ id: n.id, type: n.data.type, ...(n.data.name ? { name: n.data.name } : {}), ...(byType.get(n.data.type) ? { typeLabel: byType.get(n.data.type)!.label } : {}) })), query),
    [nodes, byType, query],
  );

  const go = (hit: Found | undefined): void => {
    const node = hit && useFlow.getState().nodes.find((n) => n.id === hit.id);
    if (!node) return;
    useFlow.getState().select(node.id);
    const w = node.measured?.width ?? 180;
    const h = node.measured?.height ?? 60;
    void flow.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 250 });
    close();
  };

  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') close();
    else if (e.key === 'Enter') go(found[active]);
    else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, found.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else return;
    e.preventDefault();
  };

  return (
    <div className="find-node" role="search" data-testid="find-node">
      <input
        className="input small"
        name="find-node"
        autoFocus
        placeholder="Find a node by label, id or type…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKey}
        onBlur={() => setTimeout(close, 150)}
      />
      {query.trim() !== '' && (
        <ul className="find-results" role="listbox">
          {found.length === 0 && <li className="muted small">No node matches.</li>}
          {found.map((f, i) => (
            <li key={f.id} role="option" aria-selected={i === active}>
              <button type="button" className={i === active ? 'find-hit active' : 'find-hit'} data-testid={`find-hit-${f.id}`} onMouseDown={(e) => e.preventDefault()} onClick={() => go(f)}>
                <span className="strong">{f.name ?? f.typeLabel ?? f.type}</span> <span className="muted small">{f.typeLabel ?? f.type} · {f.id}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
