import { fieldProblem } from './FormError.tsx';

/** a password input with the server's complaint about it (password policy) right under it; `current`: no policy hint */
export function PasswordField(props: { label: string; name: string; value: string; onChange(v: string): void; error: unknown; path: string; autoComplete: string; current?: boolean }) {
  const problem = fieldProblem(props.error, props.path);
  return (
    <label className={problem ? 'field invalid' : 'field'}>
      <span className="field-label">{props.label}</span>
      <input
        className="input" type="password" name={props.name} autoComplete={props.autoComplete}
        value={props.value} onChange={(e) => props.onChange(e.target.value)}
      />
      {problem ? <span className="field-error" data-testid={`error-${props.name}`}>{problem}</span> : !props.current && <span className="field-hint">At least 12 characters; not a common password.</span>}
    </label>
  );
}
