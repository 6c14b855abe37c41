import type { OnErrorPolicy } from '../../../core/flow-types.ts';
import { FieldRow } from '../form/FieldRow.tsx';
import type { CanvasNode } from '../lib/flow-convert.ts';
import { useFlow } from '../stores/flow-store.ts';

const ON_ERROR: { value: OnErrorPolicy; label: string }[] = [
  { value: 'stop', label: 'stop — fail the run' },
  { value: 'continue', label: 'continue — record and go on' },
  { value: 'port', label: 'port — send the message out of "error"' },
];

/** name, disabled, onError and retry: what every node has (SPEC §4) */
export function NodeOptions({ node, hasInputs, errors }: { node: CanvasNode; hasInputs: boolean; errors: Record<string, string[]> }) {
  const update = useFlow((s) => s.updateNode);
  const d = node.data;
  const num = (raw: string): number | undefined => (raw === '' ? undefined : Number(raw));
  const setRetry = (attempts: number | undefined, backoffMs: number | undefined): void => {
    if (attempts === undefined || attempts === 0) update(node.id, { retry: undefined });
    else update(node.id, { retry: backoffMs === undefined ? { attempts } : { attempts, backoffMs } });
  };
  return (
    <div className="form">
      <FieldRow name="name" label="Name" errors={errors['name']} help="shown on the canvas and in traces">
        <input name="node.name" className="input" value={d.name ?? ''} placeholder="(optional)" onChange={(e) => update(node.id, { name: e.target.value || undefined })} />
      </FieldRow>
      <FieldRow name="disabled" label="Disabled" errors={errors['disabled']}>
        <label className="checkbox">
          <input name="node.disabled" type="checkbox" checked={d.disabled === true} onChange={(e) => update(node.id, { disabled: e.target.checked || undefined })} />
          <span>messages skip this node</span>
        </label>
      </FieldRow>
      {hasInputs && (
        <FieldRow name="onError" label="On error" errors={errors['onError']}>
          <select name="node.onError" className="input" value={d.onError ?? 'stop'} onChange={(e) => update(node.id, { onError: e.target.value === 'stop' ? undefined : (e.target.value as OnErrorPolicy) })}>
            {ON_ERROR.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </FieldRow>
      )}
      {hasInputs && (
        <FieldRow name="retry" label="Retry" errors={errors['retry']} help="attempts after a failure; the wait doubles each time">
          <div className="row gap-s">
            <input name="node.retry.attempts" className="input" type="number" min={0} max={10} placeholder="0 attempts" value={d.retry?.attempts ?? ''} onChange={(e) => setRetry(num(e.target.value), d.retry?.backoffMs)} />
            <input name="node.retry.backoffMs" className="input" type="number" min={0} step={100} placeholder="backoff ms" value={d.retry?.backoffMs ?? ''} disabled={!d.retry} onChange={(e) => setRetry(d.retry?.attempts, num(e.target.value))} />
          </div>
        </FieldRow>
      )}
    </div>
  );
}
