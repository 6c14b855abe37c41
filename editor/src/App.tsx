import { useEffect } from 'react';
import { authApi } from './api/endpoints.ts';
import { useAuth } from './stores/auth-store.ts';
import { matchPath, useRoute } from './stores/router-store.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { FlowListPage } from './pages/FlowListPage.tsx';
import { FlowEditorPage } from './pages/FlowEditorPage.tsx';
import { ConnectionsPage } from './pages/ConnectionsPage.tsx';
import { TemplatesPage } from './pages/TemplatesPage.tsx';
import { TemplateWizardPage } from './pages/TemplateWizardPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { TopBar } from './components/TopBar.tsx';
import { Toasts } from './components/Toasts.tsx';

export function App() {
  const token = useAuth((s) => s.token);
  const path = useRoute((s) => s.path);

  // a token kept from an earlier page load may have expired: ask once
  useEffect(() => {
    if (token) authApi.me().catch(() => undefined);
  }, [token]);

  if (!token) return <LoginPage />;
  return (
    <div className="app">
      <TopBar />
      <main className="main">{page(path)}</main>
      <Toasts />
    </div>
  );
}

function page(path: string) {
  let m: Record<string, string> | undefined;
  if ((m = matchPath('/flows/:id', path))) return <FlowEditorPage flowId={m['id'] === 'new' ? undefined : m['id']} />;
  if (matchPath('/connections', path)) return <ConnectionsPage />;
  if (matchPath('/templates', path)) return <TemplatesPage />;
  if (matchPath('/users', path)) return <UsersPage />;
  if ((m = matchPath('/templates/:id', path))) return <TemplateWizardPage key={m['id']} templateId={m['id'] ?? ''} />;
  if (matchPath('/', path) || matchPath('/flows', path)) return <FlowListPage />;
  return <NotFoundPage path={path} />;
}
