import './SideTabs.css';
import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { personalActions } from '../state/personalActions.ts';
import { SIDE_VIEWS, type SideView } from '../state/personalState.ts';
import { useStudio } from '../state/store.ts';

export const tabId = (view: SideView) => `tab-${view}`;
export const panelId = (view: SideView) => `tabpanel-${view}`;

/**
 * The right-hand column's views as WAI-ARIA tabs: Tab reaches the selected one, arrows (and Home/End)
 * move between them and show the view at once.
 */
export function SideTabs() {
  const { t } = useTranslation();
  const format = useFormat();
  const view = useStudio((s) => s.personal.view);
  const total = useStudio((s) => s.personal.total);
  const training = useStudio((s) => s.personal.training.running);
  const waiting = useStudio((s) => s.personal.training.outcome?.status === 'done');
  const refs = useRef<(HTMLButtonElement | null)[]>([]);

  const labels: Record<SideView, string> = {
    layers: t('tabs.layers'),
    lab: t('tabs.lab'),
    explain: t('tabs.explain'),
    samples: t('tabs.samples'),
    train: t('tabs.train'),
    scratch: t('tabs.scratch'),
    models: t('tabs.models'),
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = SIDE_VIEWS.length - 1;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const i = (next + SIDE_VIEWS.length) % SIDE_VIEWS.length;
    refs.current[i]?.focus();
    personalActions.setView(SIDE_VIEWS[i]);
  };

  return (
    <div className="side-tabs" role="tablist" aria-label={t('tabs.label')}>
      {SIDE_VIEWS.map((v, i) => (
        <button
          key={v}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={tabId(v)}
          aria-selected={view === v}
          aria-controls={panelId(v)}
          tabIndex={view === v ? 0 : -1}
          className={view === v ? 'side-tab side-tab--on' : 'side-tab'}
          onClick={() => personalActions.setView(v)}
          onKeyDown={(e) => onKeyDown(e, i)}
          data-testid={tabId(v)}
        >
          {labels[v]}
          {v === 'samples' && total > 0 && <span className="side-tab__count">{format.integer(total)}</span>}
          {v === 'train' && (training || waiting) && <span className={training ? 'side-tab__dot side-tab__dot--busy' : 'side-tab__dot'} aria-label={training ? t('tabs.training') : t('tabs.resultWaiting')} />}
        </button>
      ))}
    </div>
  );
}
