import type { TFunction } from 'i18next';
import './InsightSection.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { modelNameOf } from '../model/modelName.ts';
import { personalActions } from '../state/personalActions.ts';
import { useStudio } from '../state/store.ts';
import type { PersonalInsight, Suggestion } from '../transport/index.ts';

type T = TFunction;
type Format = ReturnType<typeof useFormat>;

/** One suggestion in words, with the figures the core gave for its reason. */
export function suggestionText(t: T, format: Format, s: Suggestion): string {
  const base = { digit: s.digit, write: format.integer(s.write), samples: format.integer(s.samples) };
  switch (s.reason) {
    case 'misread':
      return t('insight.misread', { ...base, errors: format.integer(s.errors), readAs: s.readAs ?? '?' });
    case 'doubtful':
      return t('insight.doubtful', { ...base, unsure: s.unsure, mixedWith: s.mixedWith ?? '?' });
    case 'few':
      return s.samples === 0 ? t('insight.none', base) : t('insight.few', base);
    case 'unsure':
      return t('insight.unsure', { ...base, percent: format.percent(s.meanTrue ?? 0) });
  }
}

/** Ten bars: the need score of each digit, so the person sees at a glance where the model struggles with their writing. */
function NeedBars({ insight }: { insight: PersonalInsight }) {
  const { t } = useTranslation();
  const format = useFormat();
  const top = Math.max(...insight.digits.map((g) => g.need), 1e-9);
  const suggested = new Set(insight.suggestions.map((s) => s.digit));
  return (
    <ul className="need" aria-label={t('insight.needLabel')} data-testid="insight-need">
      {insight.digits.map((g) => (
        <li
          key={g.digit}
          className={suggested.has(g.digit) ? 'need__digit need__digit--asked' : 'need__digit'}
          title={t('insight.needBar', { digit: g.digit, percent: format.percent(g.need), samples: g.samples, errors: format.integer(g.errors) })}
          aria-label={t('insight.needBar', { digit: g.digit, percent: format.percent(g.need), samples: g.samples, errors: format.integer(g.errors) })}
          data-need={g.need}
        >
          <span className="need__track" aria-hidden="true">
            <span className="need__bar" style={{ height: `${Math.max(4, (g.need / top) * 100)}%` }} />
          </span>
          <span className="need__label" aria-hidden="true">
            {g.digit}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Which digits the active model is least sure about for this person, from their samples and what they
 * drew, and the guided round that asks for them.
 */
export function InsightSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const insight = useStudio((s) => s.personal.insight);
  const guided = useStudio((s) => s.personal.guided);
  if (!insight) return null;
  const digits = insight.suggestions.flatMap((s) => Array.from({ length: s.write }, () => s.digit));
  const running = guided !== null && guided.index < guided.digits.length;
  return (
    <section className="insight" aria-labelledby="insight-title" data-testid="insight" data-model={insight.modelId}>
      <div className="insight__head">
        <h3 id="insight-title">{t('insight.title')}</h3>
        <NeedBars insight={insight} />
      </div>
      <p className="muted small insight__intro">
        {t('insight.intro', { model: modelNameOf(t, insight.modelId), samples: insight.samples, drawings: insight.drawings })}
      </p>
      <ol className="insight__list">
        {insight.suggestions.map((s) => (
          <li key={s.digit} data-testid={`suggestion-${s.digit}`} data-digit={s.digit} data-reason={s.reason}>
            {suggestionText(t, format, s)}
          </li>
        ))}
      </ol>
      {running ? (
        <div className="insight__round" role="status">
          <span>{t('guided.inProgress', { done: format.integer(guided.index), total: format.integer(guided.digits.length) })}</span>
          <button type="button" className="tool" onClick={personalActions.guidedStop} data-testid="insight-stop">
            {t('guided.stop')}
          </button>
        </div>
      ) : (
        <div className="insight__round">
          <button type="button" className="tool tool--primary" onClick={() => personalActions.guidedStart(digits)} title={t('insight.startTip')} data-testid="guided-start">
            {t('insight.start', { n: format.integer(digits.length) })}
          </button>
        </div>
      )}
    </section>
  );
}
