import type { TraceMode } from '../../../core/flow-types.ts';
import { FieldRow } from '../form/FieldRow.tsx';
import { useFlow } from '../stores/flow-store.ts';
import { RetentionFields } from './RetentionFields.tsx';

/** shown when no node is selected: the flow's name, description, settings and problems */
export function FlowSettingsPanel() {
  const { name, description, settings, issues, nodes, setMeta } = useFlow();
  const problems = [
    ...issues.flow.map((i) => `${i.path}: ${i.message}`),
    ...Object.entries(issues.nodes).flatMap(([id, list]) => list.map((i) => `node ${id} · ${i.path}: ${i.message}`)),
    ...Object.entries(issues.edges).flatMap(([id, list]) => list.map((m) => `wire ${id.replace(/^e:/, '')}: ${m}`)),
  ];
  return (
    <div className="inspector-body" data-testid="flow-settings">
      <h3 className="section-title first">Flow</h3>
      {problems.length > 0 && (
        <div className="banner error small" role="alert">
          <strong>Not saved — the server found {problems.length} problem{problems.length === 1 ? '' : 's'}:</strong>
          <ul>
            {problems.map((p, i) => <li key={i}>{p}</li>)}
          </ul>
        </div>
      )}
      <div className="form">
        <FieldRow name="flow-name" label="Name" required>
          <input name="flow.name" className="input" value={name} onChange={(e) => setMeta({ name: e.target.value })} />
        </FieldRow>
        <FieldRow name="flow-description" label="Description">
          <textarea name="flow.description" className="input" rows={3} value={description} onChange={(e) => setMeta({ description: e.target.value })} />
        </FieldRow>
        <FieldRow name="trace" label="Trace" help="full: every step of every run; sampled: a share of runs in full plus every failed run (for high-rate streams); errors: only runs that did not succeed; off: nothing">
          <select name="flow.trace" className="input" value={settings.trace ?? 'full'} onChange={(e) => setMeta({ settings: { ...settings, trace: e.target.value as TraceMode } })}>
            <option value="full">full</option>
            <option value="sampled">sampled (10% + failures)</option>
            <option value="errors">errors only</option>
            <option value="off">off</option>
          </select>
        </FieldRow>
        <FieldRow name="traceMaxSteps" label="Steps kept per run" help="a run's trace keeps at most this many steps (later ones are counted, failed ones still kept); 10–100,000">
          <input
            name="flow.traceMaxSteps"
            className="input"
            type="number"
            min={10}
            max={100000}
            placeholder="10000"
            value={settings.traceMaxSteps ?? ''}
            onChange={(e) => {
              const { traceMaxSteps: _drop, ...rest } = settings;
              setMeta({ settings: e.target.value === '' ? rest : { ...rest, traceMaxSteps: Number(e.target.value) } });
            }}
          />
        </FieldRow>
        <FieldRow name="scriptMemoryMb" label="Script memory (MB)" help="memory limit of this flow's script sandbox">
          <input
            name="flow.scriptMemoryMb"
            className="input"
            type="number"
            min={8}
            max={1024}
            placeholder="64"
            value={settings.scriptMemoryMb ?? ''}
            onChange={(e) => {
              const { scriptMemoryMb: _drop, ...rest } = settings;
              setMeta({ settings: e.target.value === '' ? rest : { ...rest, scriptMemoryMb: Number(e.target.value) } });
            }}
          />
        </FieldRow>
        <RetentionFields settings={settings} onChange={(next) => setMeta({ settings: next })} />
      </div>
      <p className="muted small">
        {nodes.length === 0 ? 'Add nodes from the palette.' : `${nodes.length} node${nodes.length === 1 ? '' : 's'}. Select one to edit its parameters.`}
      </p>
    </div>
  );
}
