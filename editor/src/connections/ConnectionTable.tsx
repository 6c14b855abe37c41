import { connectionTypeOf } from '../../../catalogue/index.ts';
import type { ConnectionView } from '../api/types.ts';
import { fullTime, timeAgo } from '../lib/format.ts';

/** where a profile points, in a few words */
function summary(c: ConnectionView): string {
  const p = c.params;
  const str = (k: string): string => (typeof p[k] === 'string' || typeof p[k] === 'number' ? String(p[k]) : '');
  if (p['mode'] === 'professional') return 'connection string';
  if (str('host')) return `${str('user') ? `${str('user')}@` : ''}${str('host')}${str('port') ? `:${str('port')}` : ''}${str('database') || str('serviceName') ? `/${str('database') || str('serviceName')}` : ''}`;
  if (str('url')) return str('url');
  if (str('baseUrl')) return str('baseUrl');
  if (Array.isArray(p['brokers'])) return (p['brokers'] as unknown[]).join(', ');
  return '';
}

/** without onEdit/onDelete (a viewer) the rows only show */
export function ConnectionTable({ list, onEdit, onDelete }: { list: ConnectionView[]; onEdit?: (c: ConnectionView) => void; onDelete?: (c: ConnectionView) => void }) {
  return (
    <table className="table" data-testid="connection-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Environment</th>
          <th>Target</th>
          <th>Updated</th>
          <th aria-label="actions" />
        </tr>
      </thead>
      <tbody>
        {list.map((c) => (
          <tr key={c.id} className={onEdit ? 'clickable' : undefined} onClick={() => onEdit?.(c)} data-testid="connection-row">
            <td className="strong">{c.name}</td>
            <td>{connectionTypeOf(c.type)?.label ?? c.type}</td>
            <td>
              <span className={`badge env-${c.environment}`}>{c.environment}</span>
            </td>
            <td className="mono small ellipsis">{summary(c)}</td>
            <td title={fullTime(c.updatedAt)}>{timeAgo(c.updatedAt)}</td>
            <td className="actions" onClick={(e) => e.stopPropagation()}>
              {onEdit && (
                <button type="button" className="btn small ghost" onClick={() => onEdit(c)}>
                  Edit
                </button>
              )}
              {onDelete && (
                <button type="button" className="btn small ghost danger" onClick={() => onDelete(c)}>
                  Delete
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
