/**
 * "Import Node-RED…": uploads a Node-RED flows.json, asks to rename or replace when flow names
 * are taken, and shows what was created and every node that was not converted, with why.
 */
import { useRef, useState, type ChangeEvent } from 'react';
import { flowsApi, type NodeRedImportReply } from '../api/endpoints.ts';
import { ApiError, errorText } from '../api/http.ts';
import { Link } from './Link.tsx';
import { Modal } from './Modal.tsx';
import { toast } from '../stores/toast-store.ts';

type Shown = { kind: 'result'; reply: NodeRedImportReply } | { kind: 'conflict'; names: string; nodes: unknown } | { kind: 'error'; error: ApiError };

export function NodeRedImport({ onImported }: { onImported(): void }) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState<Shown>();

  const send = async (nodes: unknown, onConflict?: 'rename' | 'replace'): Promise<void> => {
    try {
      const reply = await flowsApi.importNodeRed(nodes, onConflict);
      setShown({ kind: 'result', reply });
      onImported();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'flow_names_taken') setShown({ kind: 'conflict', names: String(err.params['names'] ?? ''), nodes });
      else if (err instanceof ApiError && err.details.length > 0) setShown({ kind: 'error', error: err });
      else toast.error(`Node-RED import failed: ${errorText(err)}`);
    }
  };

  const pick = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    let nodes: unknown;
    try {
      nodes = JSON.parse(await file.text()) as unknown;
    } catch {
      toast.error('Node-RED import failed: the file is not JSON');
      return;
    }
    await send(nodes);
  };

  return (
    <>
      <input ref={fileRef} type="file" accept=".json,application/json" hidden onChange={(e) => void pick(e)} data-testid="node-red-input" />
      <button type="button" className="btn" onClick={() => fileRef.current?.click()}>
        Import Node-RED…
      </button>
      {shown?.kind === 'conflict' && (
        <Modal title="Flow names already in use" onClose={() => setShown(undefined)}>
          <p>Flows with these names exist: <strong>{shown.names}</strong>.</p>
          <div className="row" style={{ gap: 8 }}>
            <button type="button" className="btn primary" onClick={() => void send(shown.nodes, 'rename')}>Import as new names</button>
            <button type="button" className="btn danger" onClick={() => void send(shown.nodes, 'replace')}>Replace them</button>
            <button type="button" className="btn" onClick={() => setShown(undefined)}>Cancel</button>
          </div>
        </Modal>
      )}
      {shown?.kind === 'error' && (
        <Modal title="Node-RED import refused" onClose={() => setShown(undefined)} wide>
          <div className="banner error">{shown.error.message}</div>
          <ul>{shown.error.details.map((d) => <li key={d.path}><code>{d.path}</code>: {d.message}</li>)}</ul>
        </Modal>
      )}
      {shown?.kind === 'result' && <ImportResult reply={shown.reply} onClose={() => setShown(undefined)} />}
    </>
  );
}

function ImportResult({ reply, onClose }: { reply: NodeRedImportReply; onClose(): void }) {
  return (
    <Modal title="Node-RED import" onClose={onClose} wide>
      <h3>Flows {reply.created.some((c) => c.replaced) ? 'created or replaced' : 'created'}</h3>
      <ul data-testid="node-red-created">
        {reply.created.map((c) => <li key={c.id}><Link to={`/flows/${c.id}`}>{c.name}</Link>{c.replaced ? ' (replaced)' : ''}</li>)}
      </ul>
      <h3>Not converted ({reply.skipped.length})</h3>
      {reply.skipped.length === 0 ? <p className="muted">Every node was converted.</p> : (
        <table className="table" data-testid="node-red-skipped">
          <thead><tr><th>Node</th><th>Type</th><th>Why</th></tr></thead>
          <tbody>
            {reply.skipped.map((k) => <tr key={k.id}><td>{k.name || k.id}</td><td><code>{k.type}</code></td><td>{k.reason}</td></tr>)}
          </tbody>
        </table>
      )}
      {reply.connectionsNeeded.length > 0 && (
        <>
          <h3>Connections used</h3>
          <ul>{reply.connectionsNeeded.map((c) => <li key={c.name}>{c.type} “{c.name}” — used by {c.usedBy.map((u) => `${u.flow}/${u.nodeId}`).join(', ')}</li>)}</ul>
        </>
      )}
      {reply.warnings.length > 0 && (
        <>
          <h3>Check these nodes</h3>
          <ul>{reply.warnings.map((w, i) => <li key={i}>{w.flow}/{w.nodeId}: {w.message}</li>)}</ul>
        </>
      )}
    </Modal>
  );
}
