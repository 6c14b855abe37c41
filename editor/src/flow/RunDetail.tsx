import { useEffect, useState } from 'react';
import type { RunRecord } from '../../../core/flow-types.ts';
import { runsApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import { duration, fullTime } from '../lib/format.ts';
import { rerunOf } from '../lib/rerun.ts';
import { useCanWrite } from '../stores/auth-store.ts';
import { useFlow } from '../stores/flow-store.ts';
import { StepItem } from './StepItem.tsx';
import { triggerFlow } from './use-flow-actions.ts';

/** the steps of one run; reloads while the run is still going */
export function RunDetail({ runId, tick }: { runId: string; tick: number }) {
  const [run, setRun] = useState<RunRecord>();
  const [error, setError] = useState<string>();
  const writable = useCanWrite();
  const running = useFlow((s) => s.state === 'running');
  useEffect(() => {
    let live = true;
    runsApi.get(runId).then(
      (r) => live && (setRun(r), setError(undefined)),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [runId, tick]);

  if (error) return <div className="banner error small">{error}</div>;
  if (!run || run.id !== runId) return <div className="muted small pad">Loading…</div>;
  const steps = run.steps ?? [];
  const rerun = rerunOf(run);
  const rerunTitle = !running ? 'Start the flow to run it again' : rerun.ok ? `Fire ${rerun.nodeId} again with this run's payload` : `Cannot run it again: ${rerun.reason}`;
  return (
    <div className="run-detail" data-testid="run-detail">
      <div className="run-detail-head">
        <span className={`badge run-${run.status}`}>{run.status}</span>
        <code>{run.id}</code>
        <span className="muted small">
          v{run.flowVersion} · {run.trigger.type} {run.trigger.nodeId} · {fullTime(run.startedAt)} · {duration(run.startedAt, run.endedAt)}
        </span>
        {writable && (
          <button
            type="button"
            className="btn small ghost run-again"
            disabled={!running || !rerun.ok}
            title={rerunTitle}
            onClick={() => rerun.ok && void triggerFlow({ nodeId: rerun.nodeId, payload: rerun.payload })}
            data-testid="btn-run-again"
          >
            ↻ Run again
          </button>
        )}
      </div>
      {run.error && <div className="step-error">{run.error}</div>}
      {run.traceTruncated && (
        <div className="banner info small" data-testid="trace-truncated">
          The trace keeps {run.traceTruncated.keptSteps.toLocaleString()} steps: {run.traceTruncated.steps.toLocaleString()} more were left out
          (limits per run: {run.traceTruncated.maxSteps.toLocaleString()} steps, {Math.round(run.traceTruncated.maxBytes / 1048576)} MB). Failed steps are kept.
        </div>
      )}
      {steps.length === 0 && <div className="muted small pad">No steps recorded (the flow's trace mode may be "errors" or "off").</div>}
      {steps.map((s, i) => (
        <StepItem key={`${s.nodeId}-${i}`} step={s} />
      ))}
    </div>
  );
}
