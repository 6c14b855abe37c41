/** An admin sets a user's password (PUT /api/users/:id); the server ends that user's sessions. */
import { useState } from 'react';
import { useFormSubmit } from './use-form-submit.ts';
import { usersApi, type UserRecord } from '../api/users.ts';
import { Modal } from '../components/Modal.tsx';
import { FormError } from './FormError.tsx';
import { PasswordField } from './PasswordField.tsx';

export function ResetPasswordDialog({ user, onDone, onClose }: { user: UserRecord; onDone(): void; onClose(): void }) {
  const [password, setPassword] = useState('');
  const { error, busy, submit } = useFormSubmit(async () => {
    await usersApi.update(user.id, { password });
    onDone();
  });

  return (
    <Modal title={`Reset password of ${user.username}`} onClose={onClose}>
      <form className="stack gap-s users-dialog" data-testid="reset-password-form" onSubmit={(e) => void submit(e)}>
        <PasswordField label="New password" name="reset-password" path="password" autoComplete="new-password" value={password} onChange={setPassword} error={error} />
        <p className="muted">Their open sessions end; they log in with this password.</p>
        <FormError error={error} testId="reset-password-error" />
        <div className="row gap-s">
          <button type="submit" className="btn primary" disabled={busy || password === ''}>Set password</button>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
