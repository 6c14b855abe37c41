/** Every user's own password change (PUT /api/auth/me); the server checks the current one and the policy. */
import { useState } from 'react';
import { useFormSubmit } from './use-form-submit.ts';
import { usersApi } from '../api/users.ts';
import { Modal } from '../components/Modal.tsx';
import { toast } from '../stores/toast-store.ts';
import { FormError } from './FormError.tsx';
import { PasswordField } from './PasswordField.tsx';

export function ChangePasswordDialog({ onClose }: { onClose(): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { error, busy, submit } = useFormSubmit(async () => {
    await usersApi.changeOwnPassword(current, next);
    toast.ok('Your password was changed');
    onClose();
  });

  return (
    <Modal title="Change password" onClose={onClose}>
      <form className="stack gap-s users-dialog" data-testid="change-password-form" onSubmit={(e) => void submit(e)}>
        <PasswordField label="Current password" name="current-password" path="password.current" autoComplete="current-password" current value={current} onChange={setCurrent} error={error} />
        <PasswordField label="New password" name="new-password" path="password.new" autoComplete="new-password" value={next} onChange={setNext} error={error} />
        <FormError error={error} testId="change-password-error" />
        <div className="row gap-s">
          <button type="submit" className="btn primary" disabled={busy || current === '' || next === ''}>Change password</button>
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
