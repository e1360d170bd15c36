import './PredictionPanel.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { useStudio } from '../state/store.ts';
import { Tooltip } from '../ui/Tooltip.tsx';
import { verdictOf } from './confidence.ts';
import { CorrectionRow } from './CorrectionRow.tsx';
import { ProbabilityBars } from './ProbabilityBars.tsx';

export function PredictionPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const shown = useStudio((s) => s.prediction);
  const error = useStudio((s) => s.predictionError);
  const idle = useStudio((s) => s.predictionIdle);
  const response = shown?.response ?? null;
  const verdict = verdictOf(response);
  const announcement =
    verdict.kind === 'empty'
      ? t('predict.empty')
      : verdict.kind === 'nondigit'
        ? `${t('nonDigit.badge')}: ${t(`nonDigit.reason.${verdict.reason}`)}`
        : `${t('predict.reads')} ${verdict.top}, ${verdict.kind === 'sure' ? t('predict.confidence', { percent: format.percent(verdict.p) }) : `${t('predict.notSure')} (${format.percent(verdict.p)})`}`;

  return (
    <section className="panel prediction" aria-labelledby="prediction-title" data-testid="prediction" data-seq={shown?.seq ?? 0} data-verdict={verdict.kind} data-idle={idle}>
      <header className="panel__header">
        <h2 id="prediction-title">{t('predict.title')}</h2>
        <span className={idle ? 'busy-dot' : 'busy-dot busy-dot--on'} aria-hidden="true" title={t('predict.updating')} />
      </header>
      {/* Announced once the prediction settles, not at every frame of a stroke. */}
      <p className="sr-only" aria-live="polite" aria-atomic="true">
        {idle ? announcement : ''}
      </p>
      <div className="verdict">
        {verdict.kind === 'empty' ? (
          <div className="verdict__empty">
            <div className="verdict__digit verdict__digit--none" aria-hidden="true">
              ?
            </div>
            <div>
              <div className="verdict__headline">{t('predict.empty')}</div>
              <p className="muted">{t('predict.emptyTip')}</p>
            </div>
          </div>
        ) : verdict.kind === 'nondigit' ? (
          <div className="verdict__answer verdict__answer--nondigit" data-testid="not-a-digit" data-signal={verdict.signal} data-reason={verdict.reason}>
            <div className="verdict__label">{t('predict.reads')}</div>
            <div className="verdict__nondigit">{t('nonDigit.badge')}</div>
            <p className="verdict__reason">{t(`nonDigit.reason.${verdict.reason}`)}</p>
            <Tooltip text={t('nonDigit.why')}>
              {(describedBy) => (
                <span className="badge badge--nondigit" tabIndex={0} aria-describedby={describedBy} data-testid="not-a-digit-signal">
                  <span className="badge__part">{t(`nonDigit.signal.${verdict.signal}`)} ·</span> <span className="badge__part">{t('nonDigit.closest', { digit: verdict.top, percent: format.percent(verdict.p) })}</span>
                </span>
              )}
            </Tooltip>
          </div>
        ) : (
          <div className={`verdict__answer verdict__answer--${verdict.kind}`}>
            <div className="verdict__label">{t('predict.reads')}</div>
            <div className="verdict__digit" data-testid="predicted-digit" data-digit={verdict.top}>
              {verdict.top}
            </div>
            {verdict.kind === 'sure' ? (
              <div className="verdict__confidence">{t('predict.confidence', { percent: format.percent(verdict.p) })}</div>
            ) : (
              <Tooltip text={t('predict.notSureTip')}>
                {(describedBy) => (
                  <span className="badge badge--warn" tabIndex={0} aria-describedby={describedBy} data-testid="not-sure">
                    {t('predict.notSure')} · {format.percent(verdict.p)}
                  </span>
                )}
              </Tooltip>
            )}
          </div>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {t('predict.error', { message: error })}
        </p>
      )}
      <ProbabilityBars probabilities={response && !response.empty ? response.probabilities : null} top={response?.top ?? null} />
      <CorrectionRow />
    </section>
  );
}
