import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { flowsApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import type { FlowSummary } from '../api/types.ts';
import { Link } from '../components/Link.tsx';
import { StateBadge, StateError } from '../components/StateBadge.tsx';
import { fullTime, timeAgo } from '../lib/format.ts';
import { useCanWrite } from '../stores/auth-store.ts';
import { navigate } from '../stores/router-store.ts';
import { toast } from '../stores/toast-store.ts';
import { ReadOnlyBadge } from '../components/ReadOnlyBadge.tsx';
import { PageHead } from '../components/PageHead.tsx';
import { NodeRedImport } from '../components/NodeRedImport.tsx';

export function FlowListPage() {
  const [flows, setFlows] = useState<FlowSummary[]>();
  const [error, setError] = useState<string>();
  const fileRef = useRef<HTMLInputElement>(null);
  const writable = useCanWrite();

  const load = useCallback(async () => {
    try {
      setFlows(await flowsApi.list());
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const importFile = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const parsed = JSON.parse(await file.text()) as unknown;
      const flow = await flowsApi.importFile(parsed);
      toast.ok(`Imported "${flow.name}"`);
      for (const w of flow.warnings ?? []) toast.info(w);
      navigate(`/flows/${flow.id}`);
    } catch (err) {
      toast.error(`Import failed: ${err instanceof SyntaxError ? 'the file is not JSON' : errorText(err)}`);
    }
  };

  const remove = async (f: FlowSummary): Promise<void> => {
    if (!window.confirm(`Delete the flow "${f.name}"? Its versions and runs go too.`)) return;
    try {
      await flowsApi.remove(f.id);
      toast.ok(`Deleted "${f.name}"`);
      void load();
    } catch (err) {
      toast.error(errorText(err));
    }
  };

  return (
    <div className="page">
      <PageHead title="Flows" about="Integration flows: open one to edit it on the canvas, start it and watch its runs.">
        {writable ? (
          <>
            <input ref={fileRef} type="file" accept=".json,application/json" hidden onChange={(e) => void importFile(e)} data-testid="import-input" />
            <button type="button" className="btn" onClick={() => fileRef.current?.click()}>
              Import…
            </button>
            <NodeRedImport onImported={() => void load()} />
            <Link to="/templates" className="btn">
              From template
            </Link>
            <Link to="/flows/new" className="btn primary">
              + New flow
            </Link>
          </>
        ) : (
          <ReadOnlyBadge />
        )}
      </PageHead>
      {error && <div className="banner error">{error}</div>}
      {flows && flows.length === 0 && (
        <div className="empty">
          <h3>No flows yet</h3>
          <p className="muted">{writable ? 'Create one on the canvas, import a JSON export, or start from a template.' : 'An editor or admin creates them; you can follow them here.'}</p>
        </div>
      )}
      {flows && flows.length > 0 && (
        <table className="table" data-testid="flow-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>Version</th>
              <th>Nodes</th>
              <th>Updated</th>
              <th aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.id} className="clickable" onClick={() => navigate(`/flows/${f.id}`)}>
                <td>
                  <Link to={`/flows/${f.id}`} className="strong">
                    {f.name}
                  </Link>
                  {f.description && <div className="muted small ellipsis">{f.description}</div>}
                </td>
                <td>
                  <StateBadge state={f.state} error={f.stateError} />
                  <div>
                    <StateError state={f.state} error={f.stateError} />
                  </div>
                </td>
                <td>
                  v{f.version}
                  {f.runningVersion !== undefined && f.runningVersion !== f.version && <div className="muted small" data-testid="running-version">v{f.runningVersion} running</div>}
                </td>
                <td>{f.nodeCount}</td>
                <td title={fullTime(f.updatedAt)}>{timeAgo(f.updatedAt)}</td>
                <td className="actions" onClick={(e) => e.stopPropagation()}>
                  {writable && (
                    <button type="button" className="btn small ghost danger" onClick={() => void remove(f)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
