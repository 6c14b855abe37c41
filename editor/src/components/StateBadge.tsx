import type { FlowState } from '../api/types.ts';

/** why a flow is in `error`, shown next to its badge where the user is looking (cut, whole on hover) */
export function StateError({ state, error }: { state: FlowState; error?: string | undefined }) {
  if (state !== 'error' || !error) return null;
  return (
    <span className="state-reason" title={error} data-testid="state-error">
      {error}
    </span>
  );
}

export function StateBadge({ state, error }: { state: FlowState; error?: string | undefined }) {
  return (
    <span className={`badge state-${state}`} title={error} data-testid="state-badge">
      <span className="dot" />
      {state}
    </span>
  );
}
