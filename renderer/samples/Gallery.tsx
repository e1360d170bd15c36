import './Gallery.css';
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteSamples, relabelSamples } from '../app/personalSession.ts';
import { useFormat } from '../i18n/format.ts';
import { personalActions } from '../state/personalActions.ts';
import { useStudio } from '../state/store.ts';
import type { SampleSummary } from '../transport/index.ts';
import { Thumbnail } from './Thumbnail.tsx';

const THUMB_SIZE = 52;

/** A sample as a toggle button: click or Space selects it; Delete deletes, a digit key relabels (the selection, or this one). */
export function SampleThumb({ sample }: { sample: SampleSummary }) {
  const { t } = useTranslation();
  const format = useFormat();
  const selected = useStudio((s) => s.personal.selection.includes(sample.id));
  const how =
    sample.how === 'corrected' && sample.predicted !== undefined
      ? t('samples.howCorrected', { predicted: sample.predicted })
      : sample.how === 'imported'
        ? t('samples.howImported')
        : t('samples.howSaved');
  const label = t('samples.thumbLabel', { digit: sample.label, how, when: format.dateTime(sample.collectedAt) });

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const selection = useStudio.getState().personal.selection;
    const targets = selection.length > 0 ? selection : [sample.id];
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault();
      void deleteSamples(targets);
    } else if (/^[0-9]$/.test(event.key)) {
      event.preventDefault();
      void relabelSamples(targets, Number(event.key));
    } else if (event.key === 'Escape') {
      personalActions.clearSelection();
    }
  };

  return (
    <button
      type="button"
      className={selected ? 'thumb thumb--selected' : 'thumb'}
      aria-pressed={selected}
      aria-label={label}
      title={label}
      onClick={() => personalActions.toggleSelected(sample.id)}
      onKeyDown={onKeyDown}
      data-testid="sample-thumb"
      data-id={sample.id}
      data-label={sample.label}
      data-how={sample.how}
    >
      <Thumbnail image={sample.thumbnail} size={THUMB_SIZE} />
      {sample.how === 'corrected' && sample.predicted !== undefined && (
        <span className="thumb__was" aria-hidden="true">
          {sample.predicted}
        </span>
      )}
    </button>
  );
}

/** Samples grouped by digit, each group with its count and how far it is from "enough". */
export function Gallery({ samples }: { samples: readonly SampleSummary[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const counts = useStudio((s) => s.personal.counts);
  const filter = useStudio((s) => s.personal.filter);
  const enough = useStudio((s) => s.personal.list?.enoughPerDigit ?? 10);
  const digits = filter === null ? Array.from({ length: 10 }, (_, d) => d) : [filter];
  const byDigit = new Map<number, SampleSummary[]>();
  for (const s of samples) byDigit.set(s.label, [...(byDigit.get(s.label) ?? []), s]);

  return (
    <div className="gallery" data-testid="gallery">
      {digits.map((digit) => {
        const mine = byDigit.get(digit) ?? [];
        const count = counts?.[digit] ?? mine.length;
        const done = count >= enough;
        return (
          <section key={digit} className="gallery__group" aria-labelledby={`group-${digit}`} data-testid={`gallery-group-${digit}`} data-count={mine.length}>
            <header className="gallery__head">
              <h3 id={`group-${digit}`} className="gallery__digit">
                {digit}
              </h3>
              <span className="gallery__count">{t('samples.groupCount', { n: format.integer(count) })}</span>
              <span className={done ? 'gallery__status gallery__status--done' : 'gallery__status'}>
                {done ? t('samples.enough') : t('samples.moreWanted', { n: enough - count })}
              </span>
              <span className="gallery__meter" aria-hidden="true">
                <span style={{ width: `${Math.min(100, (100 * count) / enough)}%` }} />
              </span>
            </header>
            {mine.length > 0 ? (
              <div className="gallery__grid">
                {mine.map((s) => (
                  <SampleThumb key={s.id} sample={s} />
                ))}
              </div>
            ) : (
              <p className="muted small gallery__none">{t('samples.noneOfDigit', { digit })}</p>
            )}
          </section>
        );
      })}
    </div>
  );
}
