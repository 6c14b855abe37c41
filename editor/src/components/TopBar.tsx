import { useState } from 'react';
import { authApi } from '../api/endpoints.ts';
import { useAuth } from '../stores/auth-store.ts';
import { useRoute } from '../stores/router-store.ts';
import { ChangePasswordDialog } from '../users/ChangePasswordDialog.tsx';
import { Link } from './Link.tsx';

const SECTIONS = [
  { to: '/', label: 'Flows', match: (p: string) => p === '/' || p.startsWith('/flows') },
  { to: '/connections', label: 'Connections', match: (p: string) => p.startsWith('/connections') },
  { to: '/templates', label: 'Templates', match: (p: string) => p.startsWith('/templates') },
];

/** only admins manage users; others never see the link (the page itself also says "not allowed") */
const ADMIN_SECTIONS = [{ to: '/users', label: 'Users', match: (p: string) => p.startsWith('/users') }];

export function TopBar() {
  const path = useRoute((s) => s.path);
  const user = useAuth((s) => s.user);
  const [changingPassword, setChangingPassword] = useState(false);
  const sections = user?.role === 'admin' ? [...SECTIONS, ...ADMIN_SECTIONS] : SECTIONS;
  const logout = async (): Promise<void> => {
    await authApi.logout().catch(() => undefined);
    useAuth.getState().expire();
  };
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        <span className="brand-mark" aria-hidden>≋</span> Tributary
      </Link>
      <nav className="nav">
        {sections.map((s) => (
          <Link key={s.to} to={s.to} className={s.match(path) ? 'nav-link active' : 'nav-link'}>
            {s.label}
          </Link>
        ))}
      </nav>
      <div className="topbar-right">
        {user && (
          <button type="button" className="btn small ghost light user" data-testid="btn-change-password" title={`role: ${user.role} · change your password`} onClick={() => setChangingPassword(true)}>
            {user.username} <span className="muted">· {user.role}</span>
          </button>
        )}
        <button type="button" className="btn small ghost light" onClick={() => void logout()}>
          Log out
        </button>
      </div>
      {changingPassword && <ChangePasswordDialog onClose={() => setChangingPassword(false)} />}
    </header>
  );
}
