import { Link } from '../components/Link.tsx';

/** an address no page answers to: say so and offer the way back, instead of another page */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <div className="page not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p className="muted">
        There is no page at <code>{path}</code>.
      </p>
      <p>
        <Link to="/" className="btn primary">
          Back to Flows
        </Link>
      </p>
    </div>
  );
}
