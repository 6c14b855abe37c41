import { useCallback, useEffect, useState } from 'react';
import { ENVIRONMENTS } from '../../../core/connection-types.ts';
import { connectionsApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import type { ConnectionView } from '../api/types.ts';
import { Modal } from '../components/Modal.tsx';
import { ConnectionForm } from '../connections/ConnectionForm.tsx';
import { ConnectionTable } from '../connections/ConnectionTable.tsx';
import { useCanWrite } from '../stores/auth-store.ts';
import { useConnections } from '../stores/connections-store.ts';
import { toast } from '../stores/toast-store.ts';
import { ReadOnlyBadge } from '../components/ReadOnlyBadge.tsx';
import { PageHead } from '../components/PageHead.tsx';

type Editing = { mode: 'new' } | { mode: 'edit'; conn: ConnectionView };

export function ConnectionsPage() {
  const [environment, setEnvironment] = useState('');
  const [list, setList] = useState<ConnectionView[]>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<Editing>();
  const [testing, setTesting] = useState<ReadonlySet<string>>(new Set());
  const writable = useCanWrite();

  const load = useCallback(async () => {
    try {
      setList(await connectionsApi.list(environment || undefined));
      setError(undefined);
    } catch (err) {
      setError(errorText(err));
    }
  }, [environment]);
  useEffect(() => {
    void load();
  }, [load]);

  const saved = (view: ConnectionView): void => {
    toast.ok(`Saved connection "${view.name}"`);
    setEditing(undefined);
    void load();
    void useConnections.getState().refresh();
  };

  const remove = async (c: ConnectionView): Promise<void> => {
    if (!window.confirm(`Delete the connection "${c.name}"?`)) return;
    try {
      await connectionsApi.remove(c.id);
      toast.ok(`Deleted "${c.name}"`);
      void load();
      void useConnections.getState().refresh();
    } catch (err) {
      toast.error(errorText(err));
    }
  };

  // the answer shows in the row (the list carries each profile's last test)
  const test = async (c: ConnectionView): Promise<void> => {
    setTesting((t) => new Set(t).add(c.id));
    try {
      await connectionsApi.testSaved(c.id);
    } catch (err) {
      toast.error(errorText(err));
    }
    await load();
    setTesting((t) => new Set([...t].filter((id) => id !== c.id)));
  };

  const edit = async (c: ConnectionView): Promise<void> => {
    try {
      setEditing({ mode: 'edit', conn: await connectionsApi.get(c.id) });
    } catch (err) {
      toast.error(errorText(err));
    }
  };

  return (
    <div className="page">
      <PageHead title="Connections" about="Databases, brokers and APIs the flows use. Secrets are stored encrypted and never shown again.">
        <label className="row gap-s">
          <span className="muted small">Environment</span>
          <select className="input" name="env-filter" value={environment} onChange={(e) => setEnvironment(e.target.value)}>
            <option value="">all</option>
            {ENVIRONMENTS.map((env) => (
              <option key={env} value={env}>
                {env}
              </option>
            ))}
          </select>
        </label>
        {writable ? (
          <button type="button" className="btn primary" onClick={() => setEditing({ mode: 'new' })} data-testid="btn-new-connection">
            + New connection
          </button>
        ) : (
          <ReadOnlyBadge />
        )}
      </PageHead>
      {error && <div className="banner error">{error}</div>}
      {list && list.length === 0 && (
        <div className="empty">
          <h3>No connections{environment ? ` in ${environment}` : ''}</h3>
          <p className="muted">Add a database, MQTT or Kafka broker, or HTTP API to use it in flows and templates.</p>
        </div>
      )}
      {list && list.length > 0 && <ConnectionTable list={list} testing={testing} {...(writable ? { onEdit: (c: ConnectionView) => void edit(c), onDelete: (c: ConnectionView) => void remove(c), onTest: (c: ConnectionView) => void test(c) } : {})} />}
      {editing && (
        <Modal title={editing.mode === 'new' ? 'New connection' : `Edit “${editing.conn.name}”`} onClose={() => setEditing(undefined)} wide>
          <ConnectionForm existing={editing.mode === 'edit' ? editing.conn : undefined} onSaved={saved} onCancel={() => setEditing(undefined)} />
        </Modal>
      )}
    </div>
  );
}
