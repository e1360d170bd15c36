import './ProbabilityBars.css';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';

/** All ten probabilities as horizontal bars, the top one highlighted. */
export function ProbabilityBars({ probabilities, top }: { probabilities: readonly number[] | null; top: number | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <div className="bars" role="list" aria-label={t('predict.probabilities')} data-testid="probability-bars">
      <div className="bars__title" aria-hidden="true">
        {t('predict.probabilities')}
      </div>
      {Array.from({ length: 10 }, (_, digit) => {
        const p = probabilities ? probabilities[digit] : 0;
        const label = t('predict.bar', { digit, percent: format.percent(p, 1) });
        return (
          <div key={digit} role="listitem" aria-label={label} className={digit === top && probabilities ? 'bar bar--top' : 'bar'} data-digit={digit} data-p={p}>
            <span className="bar__digit" aria-hidden="true">
              {digit}
            </span>
            <span className="bar__track" aria-hidden="true">
              <span className="bar__fill" style={{ width: `${(p * 100).toFixed(2)}%` }} />
            </span>
            <span className="bar__value" aria-hidden="true">
              {probabilities ? (p < 0.0005 ? `<${format.percent(0.001, 1)}` : format.percent(p, p < 0.1 ? 1 : 0)) : '–'}
            </span>
          </div>
        );
      })}
    </div>
  );
}
