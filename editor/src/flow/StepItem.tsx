import type { StepRecord } from '../../../core/flow-types.ts';
import { duration } from '../lib/format.ts';
import { useFlow } from '../stores/flow-store.ts';
import { useNodeTypes } from '../stores/node-types-store.ts';
import { JsonPreview } from './JsonPreview.tsx';

const STATUS_ICON = { running: '◌', succeeded: '✓', failed: '✕', skipped: '–' } as const;

/** one step of a run: node, iteration, status, duration, logs, error, and its data collapsed */
export function StepItem({ step }: { step: StepRecord }) {
  const node = useFlow((s) => s.nodes.find((n) => n.id === step.nodeId));
  const info = useNodeTypes((s) => (node ? s.byType.get(node.data.type) : undefined));
  const iteration = step.iterationPath && step.iterationPath.length > 1 ? step.iterationPath.join('.') : step.iteration;
  return (
    <div className={`step status-${step.status}`} data-testid="step" data-node={step.nodeId}>
      <div className="step-head">
        <span className={`status-icon ${step.status}`}>{STATUS_ICON[step.status]}</span>
        <button type="button" className="link-btn strong" onClick={() => useFlow.getState().select(step.nodeId)} title="Select the node on the canvas">
          {node?.data.name || info?.label || node?.data.type || 'node'}
        </button>
        <code className="muted">{step.nodeId}</code>
        {iteration !== undefined && <span className="chip">item {iteration}</span>}
        {step.attempts !== undefined && step.attempts > 1 && <span className="chip">{step.attempts} attempts</span>}
        <span className="grow" />
        <span className="muted small">{duration(step.startedAt, step.endedAt)}</span>
      </div>
      {step.logs && step.logs.length > 0 && (
        <pre className="step-logs" data-testid="step-logs">
          {step.logs.join('\n')}
        </pre>
      )}
      {step.error && <div className="step-error">{step.error}</div>}
      <div className="step-data">
        <JsonPreview label="params" value={step.params} />
        <JsonPreview label="input" value={step.input} />
        <JsonPreview label="output" value={step.output} />
      </div>
    </div>
  );
}
