import './PreprocessSteps.css';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { PreprocessSteps as Steps } from '../transport/index.ts';
import { GrayImage } from './GrayImage.tsx';

/** The ink pipeline's intermediate images, as the core returned them. */
export function PreprocessSteps({ steps, empty }: { steps: Steps | undefined; empty: boolean }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // It opens below the fold of its column: bring it into view once, and again when its images arrive.
  const ready = steps !== undefined;
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [ready]);
  const items = steps
    ? ([
        ['cropped', steps.cropped, t('sees.cropped'), t('sees.croppedTip')],
        ['fitted', steps.fitted, t('sees.fitted'), t('sees.fittedTip')],
        ['centred', steps.centred, t('sees.centred'), t('sees.centredTip')],
      ] as const)
    : [];
  return (
    <div ref={ref} id="preprocess-steps" className="steps" data-testid="preprocess-steps">
      <h3 className="steps__title">{t('sees.stepsTitle')}</h3>
      {!steps ? (
        <p className="muted small">{empty ? t('predict.emptyTip') : t('sees.stepsLoading')}</p>
      ) : (
        <ol className="steps__list">
          {items.map(([key, image, title, tip], i) => (
            <li key={key} className="steps__item">
              <GrayImage image={image} displaySize={72} label={`${title}: ${tip}`} testId={`step-${key}`} />
              <div className="steps__caption">
                <span className="steps__number" aria-hidden="true">
                  {i + 1}
                </span>
                <span title={tip}>{title}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
