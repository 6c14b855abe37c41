import type { RunRecord } from '../../../core/flow-types.ts';
import { clockTime, duration, fullTime } from '../lib/format.ts';
import { useCanWrite } from '../stores/auth-store.ts';

export function RunList({ runs, selected, onSelect }: { runs: RunRecord[]; selected?: string | undefined; onSelect(id: string): void }) {
  const writable = useCanWrite();
  if (runs.length === 0) return <div className="muted small pad">{writable ? 'No runs yet. Start the flow and trigger it.' : 'No runs yet. They appear here, live, once the flow runs.'}</div>;
  return (
    <ul className="run-list">
      {runs.map((r) => (
        <li key={r.id}>
          <button type="button" className={r.id === selected ? 'run-row active' : 'run-row'} onClick={() => onSelect(r.id)} data-testid="run-row" data-status={r.status}>
            <span className={`status-dot ${r.status}`} />
            <span className="run-time" title={fullTime(r.startedAt)}>{clockTime(r.startedAt)}</span>
            <span className="run-status">{r.status}</span>
            <span className="muted small">{r.trigger.kind ?? r.trigger.type}</span>
            <span className="grow" />
            <span className="muted small">{r.status === 'running' ? '…' : duration(r.startedAt, r.endedAt)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
