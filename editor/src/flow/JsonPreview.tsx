import { pretty } from '../lib/json.ts';

/** a value collapsed behind its label and a one-line preview */
export function JsonPreview({ label, value }: { label: string; value: unknown }) {
  if (value === undefined) return null;
  const text = pretty(value);
  const oneLine = JSON.stringify(value) ?? String(value);
  return (
    <details className="json-preview">
      <summary>
        <span className="json-label">{label}</span>
        <code className="json-inline">{oneLine.length > 90 ? `${oneLine.slice(0, 90)}…` : oneLine}</code>
      </summary>
      <pre>{text}</pre>
    </details>
  );
}
