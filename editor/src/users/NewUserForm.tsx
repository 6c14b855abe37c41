/** The admin's form for a new user: name, first password, role; the server's complaint next to it. */
import { useState } from 'react';
import { useFormSubmit } from './use-form-submit.ts';
import { ROLES, usersApi, type Role, type UserRecord } from '../api/users.ts';
import { FormError, fieldProblem } from './FormError.tsx';
import { PasswordField } from './PasswordField.tsx';

export function NewUserForm({ onCreated }: { onCreated(user: UserRecord): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const { error, busy, submit } = useFormSubmit(async () => {
    const user = await usersApi.create({ username: username.trim(), password, role });
    setUsername('');
    setPassword('');
    onCreated(user);
  });

  const nameProblem = fieldProblem(error, 'username');
  return (
    <form className="panel users-form" data-testid="new-user-form" onSubmit={(e) => void submit(e)}>
      <h2>New user</h2>
      <div className="users-form-row">
        <label className={nameProblem ? 'field invalid' : 'field'}>
          <span className="field-label">Username</span>
          <input className="input" name="new-username" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
          {nameProblem && <span className="field-error">{nameProblem}</span>}
        </label>
        <PasswordField label="Password" name="new-user-password" path="password" autoComplete="new-password" value={password} onChange={setPassword} error={error} />
        <label className="field">
          <span className="field-label">Role</span>
          <select className="input" name="new-user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <button type="submit" className="btn primary" disabled={busy || username.trim() === '' || password === ''}>Create user</button>
      </div>
      <FormError error={error} testId="new-user-error" />
    </form>
  );
}
