import type { FlowSettings, RetentionLimits, RetentionSettings } from '../../../core/flow-types.ts';
import { FieldRow } from '../form/FieldRow.tsx';

type Cls = keyof RetentionSettings;
type Limit = keyof RetentionLimits;

const FIELDS: { cls: Cls; limit: Limit; label: string; placeholder: string; min: number; max: number; step?: string }[] = [
  { cls: 'failed', limit: 'maxRuns', label: 'Failed runs kept', placeholder: '10000', min: 1, max: 10_000_000 },
  { cls: 'failed', limit: 'maxAgeDays', label: 'Failed runs kept (days)', placeholder: '90', min: 0.01, max: 36_500, step: 'any' },
  { cls: 'succeeded', limit: 'maxRuns', label: 'Successful runs kept', placeholder: '1000', min: 1, max: 10_000_000 },
  { cls: 'succeeded', limit: 'maxAgeDays', label: 'Successful runs kept (days)', placeholder: '30', min: 0.01, max: 36_500, step: 'any' },
];

/** `settings.retention` with one limit set or, for '', removed (and emptied levels dropped) */
function withLimit(settings: FlowSettings, cls: Cls, limit: Limit, text: string): FlowSettings {
  const { retention = {}, ...rest } = settings;
  const { [limit]: _old, ...others } = retention[cls] ?? {};
  const limits: RetentionLimits = text === '' ? others : { ...others, [limit]: Number(text) };
  const { [cls]: _cls, ...otherClasses } = retention;
  const next: RetentionSettings = Object.keys(limits).length > 0 ? { ...otherClasses, [cls]: limits } : otherClasses;
  return Object.keys(next).length > 0 ? { ...rest, retention: next } : rest;
}

/** how many runs of this flow, and for how long, the server keeps; empty fields take the server's default */
export function RetentionFields({ settings, onChange }: { settings: FlowSettings; onChange: (settings: FlowSettings) => void }) {
  return (
    <>
      {FIELDS.map(({ cls, limit, label, placeholder, min, max, step }) => (
        <FieldRow
          key={`${cls}.${limit}`}
          name={`retention-${cls}-${limit}`}
          label={label}
          help={`${limit === 'maxRuns' ? 'the newest runs of this outcome kept for this flow' : 'older runs of this outcome are deleted'}; empty: the server's default (${placeholder})`}
        >
          <input
            name={`flow.retention.${cls}.${limit}`}
            className="input"
            type="number"
            min={min}
            max={max}
            {...(step ? { step } : {})}
            placeholder={placeholder}
            value={settings.retention?.[cls]?.[limit] ?? ''}
            onChange={(e) => onChange(withLimit(settings, cls, limit, e.target.value))}
          />
        </FieldRow>
      ))}
    </>
  );
}
