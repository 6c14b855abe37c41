import { useState } from 'react';
import type { TraceMode } from '../../../core/flow-types.ts';
import { Link } from '../components/Link.tsx';
import { StateBadge, StateError } from '../components/StateBadge.tsx';
import { useCanWrite } from '../stores/auth-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useLive } from '../stores/live-store.ts';
import { exportFlow, saveFlow, startFlow, stopFlow } from './use-flow-actions.ts';
import { TriggerMenu } from './TriggerMenu.tsx';
import { ReadOnlyBadge } from '../components/ReadOnlyBadge.tsx';
import { VersionChip } from './VersionChip.tsx';
import { UndoRedo } from './UndoRedo.tsx';

/** name, version, state and the flow's commands */
export function Toolbar() {
  const { flowId, name, state, stateError, dirty, settings, setMeta } = useFlow();
  const connected = useLive((s) => s.connected);
  const writable = useCanWrite();
  const [busy, setBusy] = useState<string>();
  const run = (label: string, action: () => Promise<unknown>) => async (): Promise<void> => {
    setBusy(label);
    try {
      await action();
    } finally {
      setBusy(undefined);
    }
  };
  const running = state === 'running';

  return (
    <div className="toolbar" role="toolbar" aria-label="Flow commands">
      <Link to="/" className="btn small ghost" title="All flows">
        ← Flows
      </Link>
      <input className="title-input" name="flow-name" aria-label="Flow name" value={name} readOnly={!writable} onChange={(e) => setMeta({ name: e.target.value })} />
      <VersionChip />
      {dirty && <span className="dirty" title="unsaved changes">● unsaved</span>}
      <StateBadge state={state} error={stateError} />
      <StateError state={state} error={stateError} />
      {flowId && <span className={connected ? 'live-dot on' : 'live-dot'} title={connected ? 'live trace connected' : 'live trace not connected'} />}
      <div className="toolbar-spacer" />
      {!writable && (
        <ReadOnlyBadge />
      )}
      <label className="trace-select" title="How much of each run is kept (settings.trace)">
        <span className="muted small">Trace</span>
        <select name="trace-mode" className="input small" disabled={!writable} value={settings.trace ?? 'full'} onChange={(e) => setMeta({ settings: { ...settings, trace: e.target.value as TraceMode } })}>
          <option value="full">full</option>
          <option value="sampled">sampled</option>
          <option value="errors">errors</option>
          <option value="off">off</option>
        </select>
      </label>
      {writable && (
        <>
      <UndoRedo />
      <button type="button" className={dirty || !flowId ? 'btn primary' : 'btn'} disabled={busy !== undefined} onClick={run('save', saveFlow)} data-testid="btn-save" title="Save a new version (Ctrl+S)">
        {busy === 'save' ? 'Saving…' : 'Save'}
      </button>
      {running ? (
        <button type="button" className="btn" disabled={busy !== undefined} onClick={run('stop', stopFlow)} data-testid="btn-stop">
          ■ Stop
        </button>
      ) : (
        <button type="button" className="btn success" disabled={busy !== undefined} onClick={run('start', startFlow)} data-testid="btn-start" title="Save if needed, then start">
          ▶ Start
        </button>
      )}
      <TriggerMenu disabled={!flowId || busy !== undefined} />
        </>
      )}
      <button type="button" className="btn" onClick={() => void exportFlow()} disabled={!flowId} data-testid="btn-export">
        Export
      </button>
    </div>
  );
}
