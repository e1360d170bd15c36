import type { TFunction } from 'i18next';
import './ResultCard.css';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { modelNameOf } from '../model/modelName.ts';
import { layerName } from '../layers/layerText.ts';
import type { TrainingResult } from '../transport/index.ts';

type Measure = TrainingResult['heldOut'];

/** "before -> after" with the change in percentage points, coloured by whether it went up or down. */
export function BeforeAfter({ title, measure, testId }: { title: string; measure: Measure; testId?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { before, after, n } = measure;
  if (n === 0 || before === null || after === null) {
    return (
      <div className="before-after" data-testid={testId}>
        <div className="before-after__title">{title}</div>
        <div className="muted small">{t('result.notMeasured')}</div>
      </div>
    );
  }
  const delta = (after - before) * 100;
  const tone = Math.abs(delta) < 0.05 ? 'same' : delta > 0 ? 'up' : 'down';
  return (
    <div className="before-after" data-testid={testId} data-before={before} data-after={after}>
      <div className="before-after__title">
        {title} <span className="muted">({t('result.count', { n: format.integer(n) })})</span>
      </div>
      <div className="before-after__values">
        <span className="before-after__before">{format.percent(before, 1)}</span>
        <span className="before-after__arrow" aria-label={t('result.to')}>
          →
        </span>
        <span className="before-after__after">{format.percent(after, 1)}</span>
        <span className={`before-after__delta before-after__delta--${tone}`}>{t('result.points', { value: `${delta > 0 ? '+' : delta < 0 ? '−' : '±' }${Math.abs(delta).toFixed(1)}` })}</span>
      </div>
    </div>
  );
}

type DigitRow = NonNullable<Measure['perDigit']>[number];

/** The held-out samples digit by digit: before and after as two bars, with how many of each digit were held out. */
export function PerDigitTable({ rows }: { rows: readonly DigitRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const held = rows.filter((r) => r.n > 0 && r.before !== null && r.after !== null);
  if (held.length === 0) return null;
  return (
    <table className="per-digit" data-testid="result-per-digit">
      <caption>{t('result.perDigit')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('result.perDigitDigit')}</th>
          <th scope="col">{t('result.perDigitN')}</th>
          <th scope="col">{t('result.perDigitBefore')}</th>
          <th scope="col">
            <span className="sr-only">{t('result.perDigitBefore')} → {t('result.perDigitAfter')}</span>
          </th>
          <th scope="col">{t('result.perDigitAfter')}</th>
        </tr>
      </thead>
      <tbody>
        {held.map((r) => {
          const tone = r.correctAfter > r.correctBefore ? 'up' : r.correctAfter < r.correctBefore ? 'down' : 'same';
          return (
            <tr key={r.digit} data-testid={`per-digit-${r.digit}`} data-n={r.n} data-before={r.correctBefore} data-after={r.correctAfter} className={`per-digit__row per-digit__row--${tone}`}>
              <th scope="row" className="per-digit__digit">{r.digit}</th>
              <td className="per-digit__n">{format.integer(r.n)}</td>
              <td className="per-digit__value">{format.percent(r.before!)}</td>
              <td className="per-digit__bars" aria-hidden="true" title={t('result.perDigitRow', { digit: r.digit, before: format.percent(r.before!), after: format.percent(r.after!), n: format.integer(r.n) })}>
                <span className="per-digit__track"><span className="per-digit__bar per-digit__bar--before" style={{ width: `${r.before! * 100}%` }} /></span>
                <span className="per-digit__track"><span className="per-digit__bar per-digit__bar--after" style={{ width: `${r.after! * 100}%` }} /></span>
              </td>
              <td className="per-digit__value per-digit__value--after">{format.percent(r.after!)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The two measurements every fine-tune is judged by: the person's held-out samples and the MNIST test subset. */
export function ResultFigures({ result }: { result: TrainingResult }) {
  const { t } = useTranslation();
  return (
    <div className="result__figures">
      <BeforeAfter title={t('result.heldOut')} measure={result.heldOut} testId="result-heldout" />
      <BeforeAfter title={t('result.mnist')} measure={result.mnist} testId="result-mnist" />
    </div>
  );
}

export function layersText(t: TFunction, layers: TrainingResult['layers']): string {
  return layers === 'all' ? t('train.layersAll') : layers.map((name) => layerName(t, name)).join(t('result.listSeparator'));
}

/** The finished fine-tune: before and after, and the decision: activate, keep or discard. */
export function ResultCard({ result, deciding, onDecide }: { result: TrainingResult; deciding: boolean; onDecide: (decision: 'activate' | 'keep' | 'discard') => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ref = useRef<HTMLElement>(null);
  // The card appears below the curves: bring it into view, the decision is the next step.
  useEffect(() => {
    // (newer browsers return a promise from scrollIntoView: it must not become the effect's cleanup)
    void ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [result.modelId]);
  return (
    <section ref={ref} className="result" aria-labelledby="result-title" data-testid="result-card" data-model={result.modelId}>
      <header className="result__header">
        <h3 id="result-title">{t('result.title')}</h3>
        <span className="tag">{t('result.took', { seconds: format.integer(result.seconds) })}</span>
      </header>
      <ResultFigures result={result} />
      {result.heldOut.perDigit && <PerDigitTable rows={result.heldOut.perDigit} />}
      <p className="muted small">
        {t('result.details', { train: format.integer(result.samples.train), heldOut: format.integer(result.samples.heldOut), epochs: format.integer(result.epochs), layers: layersText(t, result.layers), base: modelNameOf(t, result.baseModelId) })}
      </p>
      <div className="result__actions">
        <button type="button" className="tool tool--primary" disabled={deciding} onClick={() => onDecide('activate')} data-testid="result-activate">
          {t('result.activate')}
        </button>
        <button type="button" className="tool" disabled={deciding} onClick={() => onDecide('keep')} data-testid="result-keep">
          {t('result.keep')}
        </button>
        <button type="button" className="tool tool--danger" disabled={deciding} onClick={() => onDecide('discard')} data-testid="result-discard">
          {t('result.discard')}
        </button>
      </div>
      <p className="muted small">{t('result.explain')}</p>
    </section>
  );
}
