import type { TemplateStep } from '../../../templates/types.ts';

/** the step indicator: done, current, ahead; steps with problems are marked */
export function WizardSteps({ steps, current, withErrors, onPick }: { steps: TemplateStep[]; current: number; withErrors: Set<number>; onPick(i: number): void }) {
  return (
    <ol className="wizard-steps">
      {steps.map((s, i) => (
        <li key={s.id} className={[i === current ? 'current' : '', i < current ? 'done' : '', withErrors.has(i) ? 'has-errors' : ''].filter(Boolean).join(' ')}>
          <button type="button" onClick={() => onPick(i)} disabled={i > current}>
            <span className="step-num">{i < current ? '✓' : i + 1}</span>
            {s.title}
          </button>
        </li>
      ))}
    </ol>
  );
}
