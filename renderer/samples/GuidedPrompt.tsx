import './GuidedPrompt.css';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { retrainAfterRound, saveSample } from '../app/personalSession.ts';
import { useFormat } from '../i18n/format.ts';
import { personalActions } from '../state/personalActions.ts';
import type { GuidedRound } from '../state/personalState.ts';
import { useStudio } from '../state/store.ts';

/**
 * The guided round under the drawing field: asks for one digit at a time, saves the drawing with that
 * label (the same save as the digit buttons), and when the round is over offers to retrain.
 */
export function GuidedPrompt({ round }: { round: GuidedRound }) {
  const { t } = useTranslation();
  const format = useFormat();
  const hasInk = useStudio((s) => s.drawing.strokes.length > 0);
  const ref = useRef<HTMLDivElement>(null);
  const finished = round.index >= round.digits.length;
  const asked = finished ? null : round.digits[round.index];

  // the round starts from the samples panel: bring the prompt into view, where the drawing is
  useEffect(() => {
    void ref.current?.scrollIntoView({ block: 'nearest' });
  }, [finished]);

  if (asked === null) {
    return (
      <div ref={ref} className="guided guided--done" role="region" aria-labelledby="guided-title" data-testid="guided" data-finished="true">
        <p id="guided-title" className="guided__title" role="status">
          {t('guided.finished', { saved: round.saved, skipped: format.integer(round.skipped) })}
        </p>
        <div className="guided__actions">
          <button type="button" className="tool tool--primary" onClick={() => void retrainAfterRound()} data-testid="guided-retrain">
            {t('guided.retrain')}
          </button>
          <button type="button" className="tool" onClick={personalActions.guidedClose} data-testid="guided-close">
            {t('guided.close')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div ref={ref} className="guided" role="region" aria-labelledby="guided-title" data-testid="guided" data-digit={asked} data-index={round.index} data-total={round.digits.length}>
      <div className="guided__ask" role="status">
        <span className="guided__digit" aria-hidden="true">
          {asked}
        </span>
        <div>
          <div id="guided-title" className="guided__title">
            {t('guided.ask', { digit: asked })}
          </div>
          <div className="muted small" data-testid="guided-progress">
            {t('guided.progress', { done: format.integer(round.index + 1), total: format.integer(round.digits.length) })}
          </div>
        </div>
      </div>
      <ol className="guided__steps" aria-hidden="true">
        {round.digits.map((d, i) => (
          <li key={i} className={i < round.index ? 'guided__step guided__step--done' : i === round.index ? 'guided__step guided__step--now' : 'guided__step'}>
            {d}
          </li>
        ))}
      </ol>
      <div className="guided__actions">
        <button
          type="button"
          className="tool tool--primary"
          disabled={!hasInk}
          onClick={() => void saveSample(asked)}
          title={t('guided.saveTip', { digit: asked })}
          aria-keyshortcuts={`Enter ${asked}`}
          data-testid="guided-save"
        >
          {t('guided.save', { digit: asked })}
        </button>
        <button type="button" className="tool" onClick={personalActions.guidedSkip} data-testid="guided-skip">
          {t('guided.skip')}
        </button>
        <button type="button" className="tool" onClick={personalActions.guidedStop} data-testid="guided-stop">
          {t('guided.stop')}
        </button>
      </div>
      <p className="muted small guided__hint">{t('guided.hint', { digit: asked })}</p>
    </div>
  );
}
