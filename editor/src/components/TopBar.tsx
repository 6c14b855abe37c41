import { authApi } from '../api/endpoints.ts';
import { useAuth } from '../stores/auth-store.ts';
import { useRoute } from '../stores/router-store.ts';
import { Link } from './Link.tsx';

const SECTIONS = [
  { to: '/', label: 'Flows', match: (p: string) => p === '/' || p.startsWith('/flows') },
  { to: '/connections', label: 'Connections', match: (p: string) => p.startsWith('/connections') },
  { to: '/templates', label: 'Templates', match: (p: string) => p.startsWith('/templates') },
];

export function TopBar() {
  const path = useRoute((s) => s.path);
  const user = useAuth((s) => s.user);
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
        {SECTIONS.map((s) => (
          <Link key={s.to} to={s.to} className={s.match(path) ? 'nav-link active' : 'nav-link'}>
            {s.label}
          </Link>
        ))}
      </nav>
      <div className="topbar-right">
        {user && (
          <span className="user" title={`role: ${user.role}`}>
            {user.username} <span className="muted">· {user.role}</span>
          </span>
        )}
        <button type="button" className="btn small ghost light" onClick={() => void logout()}>
          Log out
        </button>
      </div>
    </header>
  );
}
