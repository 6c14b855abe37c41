import { useEffect, useRef, useState } from 'react';
import { parseJson } from '../lib/json.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { triggerFlow } from './use-flow-actions.ts';

/** fire the default trigger, or open the menu to pick a trigger node and a JSON payload */
export function TriggerMenu({ disabled }: { disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [nodeId, setNodeId] = useState('');
  const [payload, setPayload] = useState('');
  const [error, setError] = useState<string>();
  const nodes = useFlow((s) => s.nodes);
  const byType = useNodeTypes((s) => s.byType);
  const triggers = nodes.filter((n) => byType.get(n.data.type)?.trigger);
  const box = useRef<HTMLDivElement>(null);

  // a click elsewhere or Escape closes the menu
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const fire = async (): Promise<void> => {
    const body: { nodeId?: string; payload?: unknown } = {};
    if (nodeId) body.nodeId = nodeId;
    if (payload.trim() !== '') {
      const parsed = parseJson(payload);
      if (!parsed.ok) return setError(`The payload is not valid JSON: ${parsed.error}`);
      body.payload = parsed.value;
    }
    setError(undefined);
    setOpen(false);
    await triggerFlow(body);
  };

  return (
    <div className="split-btn" ref={box}>
      <button type="button" className="btn" disabled={disabled} onClick={() => void triggerFlow()} data-testid="btn-trigger" title="Fire the default trigger (first inject or timer) now">
        ⚡ Trigger
      </button>
      <button type="button" className="btn caret" disabled={disabled} aria-label="Trigger with a payload" onClick={() => setOpen(!open)} data-testid="btn-trigger-menu">
        ▾
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Trigger options">
          <label className="field">
            <span className="field-label">Trigger node</span>
            <select className="input" value={nodeId} onChange={(e) => setNodeId(e.target.value)}>
              <option value="">default (first inject or timer)</option>
              {triggers.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.data.name || byType.get(n.data.type)?.label} · {n.id}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Payload (JSON, optional — replaces the node's own)</span>
            <textarea className="input mono" rows={5} name="trigger-payload" value={payload} placeholder='{"x": 1}' onChange={(e) => setPayload(e.target.value)} />
          </label>
          {error && <div className="field-error">{error}</div>}
          <div className="row gap-s end">
            <button type="button" className="btn small ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="button" className="btn small primary" onClick={() => void fire()} data-testid="btn-fire">
              Fire
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
