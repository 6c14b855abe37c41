import { useState, type FormEvent } from 'react';
import { authApi } from '../api/endpoints.ts';
import { ApiError, errorText } from '../api/http.ts';
import { useAuth } from '../stores/auth-store.ts';
import { navigate, useRoute } from '../stores/router-store.ts';

export function LoginPage() {
  const notice = useAuth((s) => s.notice);
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const reply = await authApi.login(username.trim(), password);
      useAuth.getState().setSession(reply.token, reply.user);
      if (useRoute.getState().path === '/login') navigate('/', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong username or password.' : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={(e) => void submit(e)}>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden>≋</span> Tributary
        </div>
        <p className="muted">Integration flow designer</p>
        {notice && !error && <div className="banner info">{notice}</div>}
        <label className="field">
          <span className="field-label">Username</span>
          <input className="input" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input className="input" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <div className="banner error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <button className="btn primary wide" type="submit" disabled={busy || username.trim() === '' || password === ''}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </div>
  );
}
