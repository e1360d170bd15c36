import './SaveSampleBar.css';
import { useTranslation } from 'react-i18next';
import { saveSample } from '../app/personalSession.ts';
import { useStudio } from '../state/store.ts';
import { GuidedPrompt } from './GuidedPrompt.tsx';

/**
 * Saves the drawing as a sample of the digit clicked (or typed while the drawing field has focus: see
 * DrawingCanvas). Each button shows how many samples of its digit there are, so gaps are easy to see.
 * During a guided round the round's prompt takes its place.
 */
export function SaveSampleBar() {
  const { t } = useTranslation();
  const hasInk = useStudio((s) => s.drawing.strokes.length > 0);
  const counts = useStudio((s) => s.personal.counts);
  const enough = useStudio((s) => s.personal.training.status?.enoughPerDigit ?? 10);
  const guided = useStudio((s) => s.personal.guided);
  if (guided) return <GuidedPrompt round={guided} />;
  return (
    <div className="save-bar" data-testid="save-sample">
      <div className="save-bar__head">
        <span className="save-bar__title" id="save-title">
          {t('save.title')}
        </span>
        <span className="muted small">{t('save.keysHint')}</span>
      </div>
      <div className="digit-row" role="group" aria-labelledby="save-title">
        {Array.from({ length: 10 }, (_, digit) => {
          const count = counts?.[digit] ?? 0;
          return (
            <button
              key={digit}
              type="button"
              className={count >= enough ? 'digit-key digit-key--enough' : 'digit-key'}
              disabled={!hasInk}
              aria-label={t('save.asDigit', { digit, n: count })}
              title={t('save.asDigit', { digit, n: count })}
              aria-keyshortcuts={String(digit)}
              onClick={() => void saveSample(digit)}
              data-testid={`save-digit-${digit}`}
            >
              <span className="digit-key__digit">{digit}</span>
              <span className="digit-key__count" aria-hidden="true">
                {count}
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
