import { useEffect, useMemo, useState } from 'react';
import type { FlowDocument } from '../../../core/flow-types.ts';
import { templateApi, templatesApi } from '../api/endpoints.ts';
import { ApiError, errorText } from '../api/http.ts';
import type { TemplateSummary, ValidationIssue } from '../api/types.ts';
import { Link } from '../components/Link.tsx';
import { FieldRow } from '../form/FieldRow.tsx';
import { SchemaForm } from '../form/SchemaForm.tsx';
import { fieldErrors } from '../lib/issues.ts';
import { navigate } from '../stores/router-store.ts';
import { toast } from '../stores/toast-store.ts';
import { missingInStep, stepOf } from '../templates/step-checks.ts';
import { wizardFields } from '../templates/wizard-fields.tsx';
import { WizardSteps } from '../templates/WizardSteps.tsx';

type Template = TemplateSummary & { flow: FlowDocument };

/** three steps (connections → tables and fields → schedule) from the template's params form, then the new flow */
export function TemplateWizardPage({ templateId }: { templateId: string }) {
  const [template, setTemplate] = useState<Template>();
  const [loadError, setLoadError] = useState<string>();
  const [step, setStep] = useState(0);
  const [name, setName] = useState('');
  const [params, setParams] = useState<Record<string, unknown>>({});
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    templateApi.get(templateId).then(
      (t) => (setTemplate(t), setName(t.name)),
      (err: unknown) => setLoadError(errorText(err)),
    );
  }, [templateId]);

  // a new step starts at the top; a complaint is scrolled into view (it may be below the fold)
  useEffect(() => {
    const invalid = document.querySelector('.wizard-card .field.invalid');
    if (invalid) invalid.scrollIntoView({ block: 'center' });
    else document.querySelector('.main')?.scrollTo({ top: 0 });
  }, [step]);
  useEffect(() => {
    document.querySelector('.wizard-card .field.invalid')?.scrollIntoView({ block: 'center' });
  }, [issues, local]);

  const serverErrors = useMemo(() => fieldErrors(issues, 'params'), [issues]);
  const errors = useMemo(() => ({ ...serverErrors, ...local }), [serverErrors, local]);
  const nameErrors = fieldErrors(issues)['name'];
  const stepsWithErrors = useMemo(() => (template ? new Set(Object.keys(serverErrors).map((f) => stepOf(template.params, f))) : new Set<number>()), [template, serverErrors]);

  if (loadError)
    return (
      <div className="page">
        <div className="banner error">{loadError}</div>
        <Link to="/templates">← all templates</Link>
      </div>
    );
  if (!template) return <div className="page muted">Loading…</div>;

  const form = template.params;
  const last = step === form.steps.length - 1;
  const current = form.steps[step];

  const next = (): void => {
    const missing = missingInStep(form, step, params);
    setLocal(missing);
    if (Object.keys(missing).length === 0 && !(step === 0 && name.trim() === '')) setStep(step + 1);
  };

  const create = async (): Promise<void> => {
    const missing = missingInStep(form, step, params);
    setLocal(missing);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const flow = await templatesApi.instantiate(template.id, name.trim(), params);
      toast.ok(`Created "${flow.name}" from the template`);
      navigate(`/flows/${flow.id}`);
    } catch (err) {
      const details = err instanceof ApiError ? err.details : [];
      setIssues(details);
      setError(errorText(err));
      const firstField = fieldErrors(details, 'params');
      const steps = Object.keys(firstField).filter(Boolean).map((f) => stepOf(form, f));
      if (steps.length > 0) setStep(Math.min(...steps));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page narrow" data-testid="template-wizard">
      <Link to="/templates" className="muted small">
        ← all templates
      </Link>
      <h1>{template.name}</h1>
      <p className="muted">{template.description}</p>
      <WizardSteps steps={form.steps} current={step} withErrors={stepsWithErrors} onPick={setStep} />
      <div className="wizard-card">
        <h2>
          {step + 1}. {current?.title}
        </h2>
        {current?.description && <p className="muted small">{current.description}</p>}
        {step === 0 && (
          <div className="form">
            <FieldRow name="flow-name" label="Flow name" required errors={nameErrors ?? (name.trim() === '' ? ['is required'] : undefined)}>
              <input name="wizard.name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
            </FieldRow>
          </div>
        )}
        <SchemaForm
          idPrefix="tpl"
          schema={form.schema}
          value={params}
          onChange={(p) => (setParams(p), setLocal({}))}
          only={current?.fields ?? []}
          showIf={form.showIf}
          errors={errors}
          custom={wizardFields}
        />
        {error && (
          <div className="banner error small" role="alert" data-testid="wizard-error">
            {error}
          </div>
        )}
        <div className="form-actions">
          <button type="button" className="btn ghost" disabled={step === 0} onClick={() => setStep(step - 1)}>
            ← Back
          </button>
          <span className="grow" />
          <span className="muted small">
            Step {step + 1} of {form.steps.length}
          </span>
          {last ? (
            <button type="button" className="btn primary" disabled={busy} onClick={() => void create()} data-testid="btn-create-from-template">
              {busy ? 'Creating…' : 'Create flow'}
            </button>
          ) : (
            <button type="button" className="btn primary" onClick={next} data-testid="btn-wizard-next">
              Next →
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
