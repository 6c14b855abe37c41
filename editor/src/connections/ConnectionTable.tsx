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

/** a hint's head ("nothing is listening at h:p"), its advice stays in the tooltip */
const shortText = (text: string): string => text.split(': ')[0] ?? text;

/** the last test's answer in a few words: the hint when there is one, the driver's text on hover */
function LastTest({ c, testing }: { c: ConnectionView; testing: boolean }) {
  if (testing) return <span className="muted">testing…</span>;
  const t = c.lastTest;
  if (!t) return <span className="muted">not tested</span>;
  const when = timeAgo(t.at);
  return t.ok ? (
    <span className="last-test ok" data-testid="last-test" data-ok="true" title={fullTime(t.at)}>
      ✓ OK · {when}
    </span>
  ) : (
    <span className="last-test error" data-testid="last-test" data-ok="false" title={[t.hint, t.error, fullTime(t.at)].filter(Boolean).join('\n')}>
      ✕ {shortText(t.hint ?? t.error ?? 'failed')} · {when}
    </span>
  );
}

interface Props {
  list: ConnectionView[];
  onEdit?: (c: ConnectionView) => void;
  onDelete?: (c: ConnectionView) => void;
  onTest?: (c: ConnectionView) => void;
  /** ids whose test is running */
  testing?: ReadonlySet<string>;
}

/** without onEdit/onDelete/onTest (a viewer) the rows only show */
export function ConnectionTable({ list, onEdit, onDelete, onTest, testing }: Props) {
  return (
    <table className="table" data-testid="connection-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Environment</th>
          <th>Target</th>
          <th>Last test</th>
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
            <td className="small ellipsis">
              <LastTest c={c} testing={testing?.has(c.id) ?? false} />
            </td>
            <td title={fullTime(c.updatedAt)}>{timeAgo(c.updatedAt)}</td>
            <td className="actions" onClick={(e) => e.stopPropagation()}>
              {onTest && (
                <button type="button" className="btn small ghost" onClick={() => onTest(c)} disabled={testing?.has(c.id)} data-testid="btn-row-test">
                  Test
                </button>
              )}
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
