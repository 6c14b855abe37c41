import { useFlow } from '../stores/flow-store.ts';
import { FlowSettingsPanel } from './FlowSettingsPanel.tsx';
import { NodeInspector } from './NodeInspector.tsx';

/** the right-hand panel: the selected node's form, or the flow's settings (disabled when read-only) */
export function Inspector({ readOnly = false }: { readOnly?: boolean }) {
  const selected = useFlow((s) => {
    const sel = s.nodes.filter((n) => n.selected);
    return sel.length === 1 ? sel[0] : undefined;
  });
  return (
    <aside className="inspector">
      <fieldset className="inspector-fields" disabled={readOnly}>
        {selected ? <NodeInspector key={selected.id} node={selected} /> : <FlowSettingsPanel />}
      </fieldset>
    </aside>
  );
}
