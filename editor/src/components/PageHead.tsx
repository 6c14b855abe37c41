import type { ReactNode } from 'react';

/** A page's title, what the page is for, and its commands on the right. */
export function PageHead({ title, about, children }: { title: string; about: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-head">
      <div>
        <h1>{title}</h1>
        <p className="muted">{about}</p>
      </div>
      {children !== undefined && <div className="row gap-s">{children}</div>}
    </div>
  );
}
