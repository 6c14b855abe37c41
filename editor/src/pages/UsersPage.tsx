/** Admins: list users, create one with a role, change roles, reset passwords, disable and enable. */
import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../api/http.ts';
import { ROLES, usersApi, type Role, type UserChange, type UserRecord } from '../api/users.ts';
import { PageHead } from '../components/PageHead.tsx';
import { useAuth } from '../stores/auth-store.ts';
import { toast } from '../stores/toast-store.ts';
import { FormError } from '../users/FormError.tsx';
import { NewUserForm } from '../users/NewUserForm.tsx';
import { ResetPasswordDialog } from '../users/ResetPasswordDialog.tsx';

export function UsersPage() {
  const me = useAuth((s) => s.user);
  // the server refuses /api/users to others anyway; say so instead of showing a failing page
  if (me?.role !== 'admin') {
    return (
      <div className="page narrow">
        <div className="empty" data-testid="not-allowed">
          <h2>Not allowed</h2>
          <p className="muted">Only administrators manage users. You can change your own password from your name in the top bar.</p>
        </div>
      </div>
    );
  }
  return <UserAdmin myId={me.id} />;
}

function UserAdmin({ myId }: { myId: string }) {
  const [list, setList] = useState<UserRecord[]>();
  const [error, setError] = useState<unknown>();
  const [resetting, setResetting] = useState<UserRecord>();

  const load = useCallback(async () => {
    try {
      setList(await usersApi.list());
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const change = async (user: UserRecord, c: UserChange, done: string): Promise<void> => {
    try {
      await usersApi.update(user.id, c);
      setError(undefined);
      toast.ok(done);
    } catch (err) {
      setError(err);
      toast.error(errorText(err));
    }
    void load();
  };

  return (
    <div className="page narrow">
      <PageHead title="Users" about="Who may log in, and what they may do: viewers read, editors build and run flows, admins also manage users." />
      <NewUserForm onCreated={(u) => {
        toast.ok(`Created user "${u.username}"`);
        void load();
      }} />
      <FormError error={error} testId="users-error" />
      {list && (
        <table className="table" data-testid="user-table">
          <thead>
            <tr><th>Username</th><th>Role</th><th>Status</th><th>Created</th><th /></tr>
          </thead>
          <tbody>
            {list.map((u) => (
              <tr key={u.id} data-testid="user-row" data-username={u.username}>
                <td><strong>{u.username}</strong>{u.id === myId && <span className="muted"> (you)</span>}</td>
                <td>
                  <select
                    className="input" name="role" aria-label={`Role of ${u.username}`} value={u.role}
                    onChange={(e) => void change(u, { role: e.target.value as Role }, `${u.username} is now ${e.target.value}`)}
                  >
                    {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                </td>
                <td data-testid="user-status">{u.disabled ? <span className="badge state-error">disabled</span> : <span className="badge state-running">active</span>}</td>
                <td className="muted">{new Date(u.createdAt).toLocaleDateString()}</td>
                <td><div className="row gap-s end">
                  <button type="button" className="btn small" onClick={() => setResetting(u)}>Reset password</button>
                  {u.disabled
                    ? <button type="button" className="btn small" onClick={() => void change(u, { disabled: false }, `${u.username} may log in again`)}>Enable</button>
                    : <button type="button" className="btn small danger" onClick={() => void change(u, { disabled: true }, `${u.username} is disabled`)}>Disable</button>}
                </div></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {resetting && (
        <ResetPasswordDialog
          user={resetting}
          onClose={() => setResetting(undefined)}
          onDone={() => {
            toast.ok(`Password of "${resetting.username}" was reset`);
            setResetting(undefined);
          }}
        />
      )}
    </div>
  );
}
