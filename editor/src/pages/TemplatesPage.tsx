import { useEffect, useState } from 'react';
import { templatesApi } from '../api/endpoints.ts';
import { errorText } from '../api/http.ts';
import type { TemplateSummary } from '../api/types.ts';
import { Link } from '../components/Link.tsx';

export function TemplatesPage() {
  const [list, setList] = useState<TemplateSummary[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    templatesApi.list().then(setList, (err: unknown) => setError(errorText(err)));
  }, []);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Templates</h1>
          <p className="muted">Common integrations as a three-step wizard: pick the connections, the tables and fields, then the schedule.</p>
        </div>
      </div>
      {error && <div className="banner error">{error}</div>}
      <div className="cards">
        {list?.map((t) => (
          <Link key={t.id} to={`/templates/${t.id}`} className="card" title={t.description}>
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
            <span className="card-cta" data-testid={`template-${t.id}`}>
              Use this template →
            </span>
          </Link>
        ))}
      </div>
    </div>
  );
}
