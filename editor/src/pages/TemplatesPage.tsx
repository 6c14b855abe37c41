import { useEffect, useState } from 'react';
import { templatesApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import type { TemplateSummary } from '../api/types.ts';
import { Link } from '../components/Link.tsx';
import { useCanWrite } from '../stores/auth-store.ts';
import { PageHead } from '../components/PageHead.tsx';

export function TemplatesPage() {
  const [list, setList] = useState<TemplateSummary[]>();
  const [error, setError] = useState<string>();
  const writable = useCanWrite();
  useEffect(() => {
    templatesApi.list().then(setList, (err: unknown) => setError(errorText(err)));
  }, []);
  return (
    <div className="page">
      <PageHead
        title="Templates"
        about={writable
          ? 'Common integrations as a three-step wizard: pick the connections, the tables and fields, then the schedule.'
          : 'Common integrations an editor or admin can turn into a flow with a three-step wizard.'}
      />
      {error && <div className="banner error">{error}</div>}
      <div className="cards">
        {list?.map((t) => {
          const body = (
            <>
              <div className="card-kicker">{t.category}</div>
              <h3>{t.name}</h3>
              <p className="muted small">{t.description}</p>
              <div className="tags">
                {t.tags.slice(0, 6).map((tag) => (
                  <span key={tag} className="chip">
                    {tag}
                  </span>
                ))}
              </div>
            </>
          );
          // a viewer cannot create flows: the card describes the template and leads nowhere
          if (!writable) return (
            <div key={t.id} className="card static" title={t.description}>
              {body}
            </div>
          );
          return (
            <Link key={t.id} to={`/templates/${t.id}`} className="card" title={t.description}>
              {body}
              <span className="card-cta" data-testid={`template-${t.id}`}>
                Use this template →
              </span>
            </Link>
          );
        })}
      </div>
    </div>
  );
}
