import './CorrectionRow.css';
import { useTranslation } from 'react-i18next';
import { saveCorrection } from '../app/personalSession.ts';
import { useStudio } from '../state/store.ts';

/** "Wrong? It is a …": one click saves the drawing with the right digit as a corrected sample. */
export function CorrectionRow() {
  const { t } = useTranslation();
  const shown = useStudio((s) => s.prediction);
  if (!shown || shown.response.empty) return null;
  const top = shown.response.top;
  return (
    <div className="correction" data-testid="correction">
      <span className="correction__label" id="correction-label">
        {t('correct.label')}
      </span>
      <div className="digit-row digit-row--compact" role="group" aria-labelledby="correction-label">
        {Array.from({ length: 10 }, (_, digit) => (
          <button
            key={digit}
            type="button"
            className="digit-chip"
            disabled={digit === top}
            aria-label={t('correct.asDigit', { digit })}
            title={digit === top ? t('correct.sameTip', { digit }) : t('correct.asDigit', { digit })}
            onClick={() => void saveCorrection(digit)}
            data-testid={`correct-${digit}`}
          >
            {digit}
          </button>
        ))}
      </div>
    </div>
  );
}
