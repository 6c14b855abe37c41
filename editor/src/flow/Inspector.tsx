import { useFlow } from '../stores/flow-store.ts';
import { FlowSettingsPanel } from './FlowSettingsPanel.tsx';
import { NodeInspector } from './NodeInspector.tsx';

/** the right-hand panel: the selected node's form, or the flow's settings */
export function Inspector() {
  const selected = useFlow((s) => {
    const sel = s.nodes.filter((n) => n.selected);
    return sel.length === 1 ? sel[0] : undefined;
  });
  return <aside className="inspector">{selected ? <NodeInspector key={selected.id} node={selected} /> : <FlowSettingsPanel />}</aside>;
}
