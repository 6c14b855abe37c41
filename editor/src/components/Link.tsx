import type { MouseEvent, ReactNode } from 'react';
import { navigate } from '../stores/router-store.ts';

/** an <a> that navigates without reloading (ctrl/cmd-click still opens a tab) */
export function Link({ to, className, children, title }: { to: string; className?: string; children: ReactNode; title?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick} title={title}>
      {children}
    </a>
  );
}
