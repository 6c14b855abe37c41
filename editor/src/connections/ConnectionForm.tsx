import { useMemo, useState } from 'react';
import { ENVIRONMENTS, SECRET_MASK, conditionHolds, type Environment } from '../../../core/connection-types.ts';
import { CONNECTION_TYPE_NAMES, connectionTypeOf } from '../../../catalogue/index.ts';
import { connectionsApi } from '../api/endpoints.ts';
import { ApiError, errorText } from '../api/http.ts';
import type { ConnectionInput, ConnectionView, TestReply, ValidationIssue } from '../api/types.ts';
import { FieldRow } from '../form/FieldRow.tsx';
import { SchemaForm } from '../form/SchemaForm.tsx';
import { fieldErrors } from '../lib/issues.ts';
import { withDefaults } from '../lib/schema.ts';
import { SecretInput } from './SecretInput.tsx';
import { TestResult } from './TestResult.tsx';

/** create or edit a connection profile; its params form comes from the connector's profile (connectors/<type>/profile.ts) */
export function ConnectionForm({ existing, onSaved, onCancel }: { existing?: ConnectionView | undefined; onSaved(view: ConnectionView): void; onCancel(): void }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [type, setType] = useState<string>(existing?.type ?? 'mysql');
  const [environment, setEnvironment] = useState<Environment>(existing?.environment ?? 'development');
  const [params, setParams] = useState<Record<string, unknown>>(existing?.params ?? {});
  const [secrets, setSecrets] = useState<Record<string, string | null | undefined>>(existing?.secrets ?? {});
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [error, setError] = useState<string>();
  const [test, setTest] = useState<TestReply>();
  const [busy, setBusy] = useState<'test' | 'save'>();
  const def = connectionTypeOf(type);
  const errors = useMemo(() => fieldErrors(issues), [issues]);
  const paramErrors = useMemo(() => fieldErrors(issues, 'params'), [issues]);
  const secretErrors = useMemo(() => fieldErrors(issues, 'secrets'), [issues]);
  const effective = def ? withDefaults(def.paramsSchema, params) : params;
  const shownSecrets = def ? def.secrets.filter((s) => conditionHolds(s.showIf, effective)) : [];

  const input = (): ConnectionInput => {
    const out: Record<string, string | null> = {};
    for (const s of shownSecrets) {
      const v = secrets[s.name];
      if (v !== undefined) out[s.name] = v;
    }
    return { ...(existing ? { id: existing.id } : {}), name: name.trim(), type, environment, params, secrets: out };
  };

  const failed = (err: unknown): void => {
    if (err instanceof ApiError && err.details.length > 0) setIssues(err.details);
    setError(errorText(err));
  };

  const runTest = async (): Promise<void> => {
    setBusy('test');
    setTest(undefined);
    setError(undefined);
    try {
      setTest(await connectionsApi.test(input()));
    } catch (err) {
      if (err instanceof ApiError && err.details.length > 0) setIssues(err.details);
      setTest({ ok: false, error: errorText(err) });
    } finally {
      setBusy(undefined);
    }
  };

  const save = async (): Promise<void> => {
    setBusy('save');
    setError(undefined);
    setIssues([]);
    try {
      const body = input();
      onSaved(existing ? await connectionsApi.update(existing.id, body) : await connectionsApi.create(body));
    } catch (err) {
      failed(err);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <form className="connection-form" onSubmit={(e) => (e.preventDefault(), void save())} data-testid="connection-form">
      <div className="form two-col">
        <FieldRow name="name" label="Name" required errors={errors['name']}>
          <input name="conn.name" className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Orders DB (test)" autoFocus />
        </FieldRow>
        <FieldRow name="type" label="Type" required errors={errors['type']}>
          <select name="conn.type" className="input" value={type} onChange={(e) => (setType(e.target.value), setParams({}), setSecrets({}), setTest(undefined))} disabled={existing !== undefined}>
            {CONNECTION_TYPE_NAMES.map((t) => (
              <option key={t} value={t}>
                {connectionTypeOf(t)?.label}
              </option>
            ))}
          </select>
        </FieldRow>
        <FieldRow name="environment" label="Environment" required errors={errors['environment']}>
          <select name="conn.environment" className="input" value={environment} onChange={(e) => setEnvironment(e.target.value as Environment)}>
            {ENVIRONMENTS.map((env) => (
              <option key={env} value={env}>
                {env}
              </option>
            ))}
          </select>
        </FieldRow>
      </div>
      {def && (
        <>
          <h3 className="section-title">Parameters</h3>
          <SchemaForm
            idPrefix="params"
            key={type}
            schema={def.paramsSchema}
            value={params}
            onChange={(p) => (setParams(p), setTest(undefined))}
            order={def.ui?.order}
            showIf={def.ui?.showIf}
            errors={paramErrors}
          />
          {shownSecrets.length > 0 && <h3 className="section-title">Secrets</h3>}
          <div className="form">
            {shownSecrets.map((s) => (
              <FieldRow key={s.name} name={`secret-${s.name}`} label={s.label} required={s.required} errors={secretErrors[s.name]} help={existing?.secrets[s.name] === SECRET_MASK ? 'stored encrypted; never shown again' : 'write-only: stored encrypted, never shown again'}>
                <SecretInput
                  name={`secrets.${s.name}`}
                  value={secrets[s.name]}
                  stored={existing?.secrets[s.name] === SECRET_MASK}
                  multiline={s.multiline}
                  invalid={secretErrors[s.name] !== undefined}
                  onChange={(v) => (setSecrets({ ...secrets, [s.name]: v }), setTest(undefined))}
                />
              </FieldRow>
            ))}
          </div>
        </>
      )}
      {existing?.secretsUnreadable && <div className="banner error small">The stored secrets cannot be decrypted (was the secret key changed?). Enter them again.</div>}
      {error && (
        <div className="banner error small" role="alert">
          {error}
        </div>
      )}
      <TestResult result={test} testing={busy === 'test'} />
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => void runTest()} disabled={busy !== undefined} data-testid="btn-test-connection">
          Test connection
        </button>
        <span className="grow" />
        <button type="button" className="btn ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn primary" disabled={busy !== undefined} data-testid="btn-save-connection">
          {busy === 'save' ? 'Saving…' : existing ? 'Save changes' : 'Create connection'}
        </button>
      </div>
    </form>
  );
}
