import './SidePanel.css';
import type { HTMLAttributes, ReactNode } from 'react';
import { panelId, tabId } from './SideTabs.tsx';
import type { SideView } from '../state/personalState.ts';

/**
 * One of the right-hand column's views: the tab panel its tab controls, with its title and hint.
 * Other attributes (test ids, data-*) go on the panel; children follow the header.
 */
export function SidePanel({ view, title, hint, children, ...rest }: { view: SideView; title: string; hint: ReactNode; children: ReactNode } & Omit<HTMLAttributes<HTMLElement>, 'title'> & Record<`data-${string}`, string | number | boolean | undefined>) {
  return (
    <section {...rest} className="panel side-panel" id={panelId(view)} role="tabpanel" aria-labelledby={tabId(view)}>
      <header className="side-panel__header">
        <div>
          <h2>{title}</h2>
          <p className="muted small">{hint}</p>
        </div>
      </header>
      {children}
    </section>
  );
}
