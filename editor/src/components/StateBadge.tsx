import type { FlowState } from '../api/types.ts';

export function StateBadge({ state, error }: { state: FlowState; error?: string | undefined }) {
  return (
    <span className={`badge state-${state}`} title={error} data-testid="state-badge">
      <span className="dot" />
      {state}
    </span>
  );
}
